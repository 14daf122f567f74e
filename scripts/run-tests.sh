#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs the whole test suite, one stage per
# platform the README claims:
#   linux    Qt 6.4 (Debian 12): normal, ASan+UBSan and TSan trees
#   macos    every C++ file of a macOS build compiled for macOS 11 (x86_64)
#            and macOS 13 (arm64) with Zig's clang: compile only
#   qt68     Qt 6.8 LTS (Debian 13, in a debootstrap root)
#            (qt68-asan, its ASan+UBSan tree, runs when named)
#   windows  MinGW-w64 cross build against Qt for Windows, run under Wine
#            (windows-widgets, the widgets and the chat demo on a Qt for
#            Windows with Gui, runs when named: that Qt has about three
#            times the files to build)
#   arm64    Linux arm64: cross-built against Debian's multiarch Qt, run
#            under Debian 13's qemu-user (armhf, 32-bit ARM, runs when named)
# With stage names as arguments, runs only those. Ends with one line a
# stage and a total; exits non-zero if any test or stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(linux macos qt68 windows arm64)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

for stage in "${stages[@]}"; do
    if [ ! -x "scripts/stages/$stage.sh" ]; then
        echo "run-tests.sh: no stage '$stage' (scripts/stages/*.sh)" >&2
        exit 2
    fi
done

# Set-up runs beside the stages before its own: the Debian 13 root of the
# qt68 stages (some ten minutes of network and disk on a fresh machine),
# and the Windows stage's packages, Wine prefix and Qt for Windows, whose
# build (most of a fresh run) takes, at the lowest priority, what the
# stages before leave of the processors while their tests wait on sockets
# and processes. Host packages go one apt-get at a time: the Linux and
# macOS stages' and debootstrap are installed before anything runs beside,
# so that only the Windows set-up installs any then (the ARM stages install
# theirs after the Windows stage, which waits for its set-up).
. scripts/lib/common.sh
declare -A early
has_stage() { printf '%s\n' "${stages[@]}" | grep -qx "$1"; }
start_early() {
    local name=$1
    shift
    "$@" >"$logs/$name-setup.log" 2>&1 &
    early[$name]=$!
}
if [ "${#stages[@]}" -gt 1 ]; then
    ! has_stage linux || scripts/install-deps.sh
    # Its packages and its compiler (npm), before anything installs beside.
    ! has_stage macos || scripts/macos/setup.sh >/dev/null
    if [[ ${stages[0]} != qt68* ]] && has_stage 'qt68\|qt68-asan'; then
        install_packages debootstrap
        start_early qt68 scripts/qt68/setup.sh
    fi
    if [ "${stages[0]}" != windows ] && has_stage windows; then
        # Its output is the stage's variables: the stage asks for them again.
        start_early windows nice -n 19 sh -c 'scripts/windows/setup.sh >/dev/null'
    fi
    if [ "${stages[0]}" != windows-widgets ] && has_stage windows-widgets; then
        start_early windows-widgets nice -n 19 sh -c 'scripts/windows/setup.sh --widgets >/dev/null'
    fi
fi
summary=()
total_passed=0
total_failed=0
for stage in "${stages[@]}"; do
    script=scripts/stages/$stage.sh
    echo "=== stage $stage"
    started=$SECONDS
    name=${stage%-asan}
    if [ -n "${early[$name]:-}" ]; then
        # What it printed; a failure shows again in the stage's own set-up.
        wait "${early[$name]}" || true
        cat "$logs/$name-setup.log"
        unset "early[$name]"
    fi
    "$script" 2>&1 | tee "$logs/$stage.log"
    status=${PIPESTATUS[0]}
    # ctest's own closing line: "NN% tests passed, F tests failed out of T".
    counts=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logs/$stage.log" | tail -n 1)
    if [ -n "$counts" ]; then
        failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$counts")
        all=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$counts")
        passed=$((all - failed))
    else
        passed=0
        failed=0
    fi
    # A stage that broke before or after its tests counts as one failure.
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    summary+=("$(printf '%-8s %d passed, %d failed (exit %d, %d s)' \
        "$stage:" "$passed" "$failed" "$status" "$((SECONDS - started))")")
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
