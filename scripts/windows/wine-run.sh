#!/usr/bin/env bash
# ctest's CMAKE_CROSSCOMPILING_EMULATOR for the Windows tree: runs one
# Windows program under Wine, in the prefix that scripts/windows/setup.sh
# made (its variables are in the environment).
#
# Qt on Windows sends qDebug()/qWarning() to the debugger (OutputDebugString)
# unless told otherwise; told, they go to stderr, where ctest shows them.
# QtTest's report to stdout does not come through Wine's pipe at all (as
# seen with Qt 6.4.2 and Wine 8), to a file it does: a Qt Test (tst_*)
# writes it to a file, printed here when the test ends, crashed or not.
set -u
export QT_FORCE_STDERR_LOGGING=1
# Wine hands no QT_* variable of ours to a Windows program (they would be
# for the Linux Qt) unless it is named WINEQT_*: QT_QPA_PLATFORM=offscreen,
# which ctest sets for every test, and the one above reach it that way.
for name in $(compgen -e | grep '^QT_'); do
    export "WINE$name=${!name}"
done
program=$1
shift
case "$(basename "$program")" in
tst_*)
    report=$(mktemp)
    trap 'rm -f "$report"' EXIT
    # A watchdog below ctest's own time-out, so that a test that hangs
    # still shows its report: the last line is where it stopped.
    limit=${IPCSOCKET_WINE_TIMEOUT:-280}
    timeout --kill-after=10 "$limit" wine "$program" "$@" -o "$report,txt"
    status=$?
    cat "$report"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "wine-run.sh: $(basename "$program") did not end within $limit s;" \
            "it stopped after the last line above" >&2
    fi
    exit "$status"
    ;;
*)
    exec wine "$program" "$@"
    ;;
esac
