#!/usr/bin/env bash
# Linux on ARM, by the name this script is called by: arm64 (aarch64) or
# armhf (32-bit ARMv7). Cross-built with Debian's cross compiler against
# Debian's multiarch Qt 6.4, and run by ctest under Debian 13's qemu-user
# (scripts/arm/setup.sh installs and fetches both). The tests start their
# helper programs under the same emulator (CMAKE_CROSSCOMPILING_EMULATOR,
# which the test support library compiles in), so no binfmt_misc
# registration is made or needed. Emulation proves behaviour, not speed.
# Left out: the QML module and the Designer plugin (Qt Declarative and Qt
# Designer for ARM are not installed), the benchmark, and what needs the
# host (the fuzzers, the docs, install and package tests, the demo script).
set -euo pipefail
cd "$(dirname "$0")/../.."

arch=$(basename "$0" .sh)
emulator=$(scripts/arm/setup.sh "$arch" | tail -n 1)
tree=build-$arch

# armhf is where a 64-bit count narrowed to a 32-bit qsizetype would wrap:
# there the library is built with -Wconversion, every warning an error.
options=()
[ "$arch" != armhf ] || options+=(-DIPCSOCKET_CONVERSION_ERRORS=ON)
cmake -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/scripts/arm/$arch.cmake" \
    -DCMAKE_CROSSCOMPILING_EMULATOR="$emulator" \
    -DIPCSOCKET_BUILD_QML=OFF -DIPCSOCKET_BUILD_DESIGNER_PLUGIN=OFF -DIPCSOCKET_BUILD_BENCH=OFF \
    -DIPCSOCKET_TEST_SUFFIX="-$arch" "${options[@]}"
cmake --build "$tree" --parallel "$(nproc)"

# Each suite once, over the project's own Unix transport and its default
# event source: the twins over Qt's QLocalSocket transport (the one Windows
# uses), over the other event sources, and the repeated race-prone
# functions are the linux stage's, where they take seconds, not the minutes
# emulation would make of them.
twins='_qlocalsocket|_repeat|_eventset|_unixdispatcher|_notifiers'
echo "$arch: left out here (run natively by the linux stage):" \
    $(ctest --test-dir "$tree" -N -R "$twins" | sed -n 's/^ *Test *#[0-9]*: //p')
exec ctest --test-dir "$tree" --output-on-failure --timeout 300 --parallel "$(nproc)" \
    --exclude-regex "$twins"
