#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs the whole test suite twice in one
# ctest run: the normal build and the AddressSanitizer + UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --parallel "$jobs"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIPCSOCKET_SANITIZE=ON \
    -DIPCSOCKET_TEST_SUFFIX=-asan
cmake --build build-asan --parallel "$jobs"

# One ctest over both build trees, so that one summary line speaks for all.
mkdir -p build-all
cat > build-all/CTestTestfile.cmake <<CTEST
subdirs("$PWD/build" "$PWD/build-asan")
CTEST
exec ctest --test-dir build-all --output-on-failure --parallel "$jobs"
