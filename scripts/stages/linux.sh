#!/usr/bin/env bash
# Linux on Debian 12's Qt 6.4: the whole test suite in one ctest run over
# three build trees: the normal build, the AddressSanitizer + UBSan build,
# and a ThreadSanitizer build of only what the threaded cases need.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --parallel "$jobs"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIPCSOCKET_SANITIZE=ON \
    -DIPCSOCKET_TEST_SUFFIX=-asan
cmake --build build-asan --parallel "$jobs"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPCSOCKET_TSAN=ON \
    -DIPCSOCKET_TEST_SUFFIX=-tsan -DIPCSOCKET_BUILD_WIDGETS=OFF -DIPCSOCKET_BUILD_QML=OFF \
    -DIPCSOCKET_BUILD_BENCH=OFF -DIPCSOCKET_BUILD_EXAMPLES=OFF
cmake --build build-tsan --parallel "$jobs"

# One ctest over every build tree, so that one summary line speaks for all.
mkdir -p build-all
cat > build-all/CTestTestfile.cmake <<CTEST
subdirs("$PWD/build" "$PWD/build-asan" "$PWD/build-tsan")
CTEST
exec ctest --test-dir build-all --output-on-failure --parallel "$jobs"
