#!/usr/bin/env bash
# Run inside the Debian 13 root by scripts/stages/qt68.sh: builds the normal
# and the ASan+UBSan trees against Qt 6.8 and runs both with one ctest.
set -euo pipefail
cd "$(dirname "$0")/../.."

. /etc/os-release
qt=$(qtpaths6 --qt-query QT_VERSION 2>/dev/null || echo unknown)
echo "Debian $VERSION_ID ($VERSION_CODENAME), Qt $qt, $(g++ --version | head -n 1)"

jobs=$(nproc)
cmake -S . -B build-qt68 -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPCSOCKET_TEST_SUFFIX=-qt68
cmake --build build-qt68 --parallel "$jobs"
cmake -S . -B build-qt68-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIPCSOCKET_SANITIZE=ON \
    -DIPCSOCKET_TEST_SUFFIX=-qt68-asan
cmake --build build-qt68-asan --parallel "$jobs"

mkdir -p build-qt68-all
cat > build-qt68-all/CTestTestfile.cmake <<CTEST
subdirs("$PWD/build-qt68" "$PWD/build-qt68-asan")
CTEST
exec ctest --test-dir build-qt68-all --output-on-failure --parallel "$jobs" --timeout 600
