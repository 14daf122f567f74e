#!/usr/bin/env bash
# Windows x86_64, cross-built with MinGW-w64 against Qt for Windows (built
# once by scripts/windows/setup.sh) and run under Wine by ctest. Two
# flavours, by the name this script is called by:
#   windows          the core library, the console examples and the core
#                    test suites, on a Qt without Gui (QML, the Designer
#                    plugin and the benchmark are not part of either)
#   windows-widgets  IPCSocketWidget and the chat demo with their tests, on
#                    a Qt with Gui and Widgets (setup.sh --widgets)
set -euo pipefail
cd "$(dirname "$0")/../.."

case "$(basename "$0" .sh)" in
windows-widgets)
    eval "$(scripts/windows/setup.sh --widgets)"
    tree=build-windows-widgets
    options=(-DIPCSOCKET_BUILD_WIDGETS=ON -DIPCSOCKET_BUILD_DESIGNER_PLUGIN=OFF
             -DIPCSOCKET_BUILD_EXAMPLES=OFF)
    # The core suites are the windows stage's; here what Widgets adds.
    targets=(tst_ipcsocketwidget tst_chatprotocol tst_chatdemo)
    ;;
*)
    eval "$(scripts/windows/setup.sh)"
    tree=build-windows
    options=(-DIPCSOCKET_BUILD_WIDGETS=OFF)
    targets=(all)
    ;;
esac
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES WINEPATH

# Whatever ends this stage, no Windows process of it is left running: a
# test that ctest timed out leaves its Wine processes behind.
trap 'wineserver -k 2>/dev/null || true' EXIT

# Every program and the project's DLL in one folder, where Windows looks
# for a program's DLLs first (Qt's and MinGW's are found through WINEPATH).
# Qt's toolchain file names the MinGW toolchain file of the clone that built
# that Qt; the cached Qt outlives the clone, so this clone's is named here.
"$QT_WIN/bin/qt-cmake" -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DQT_CHAINLOAD_TOOLCHAIN_FILE="$PWD/scripts/windows/mingw-toolchain.cmake" \
    "${options[@]}" -DIPCSOCKET_BUILD_QML=OFF -DIPCSOCKET_BUILD_BENCH=OFF \
    -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$PWD/$tree/bin" \
    -DCMAKE_CROSSCOMPILING_EMULATOR="$PWD/scripts/windows/wine-run.sh"
cmake --build "$tree" --parallel "$(nproc)" --target "${targets[@]}"

# One Wine server for the whole run, started before the first test so that
# its start-up is not counted against a test's time.
wineserver -p
wine cmd /c exit 0 >/dev/null 2>&1 || true

# Every test is bounded: its TIMEOUT (300 s), else --timeout; under it,
# wine-run.sh's watchdog (280 s) prints a hung test's report.
filter=()
[ "${targets[*]}" = all ] || filter=(--tests-regex "^($(IFS='|'; echo "${targets[*]}"))\$")
status=0
ctest --test-dir "$tree" --output-on-failure --timeout 300 --parallel "$(nproc)" "${filter[@]}" \
    || status=$?
exit "$status"
