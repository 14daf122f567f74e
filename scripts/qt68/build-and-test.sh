#!/usr/bin/env bash
# Run inside the Debian 13 root by the qt68 stages: builds one tree against
# Qt 6.8 and runs its tests.
#   build-and-test.sh normal   build-qt68 (the qt68 stage)
#   build-and-test.sh asan     build-qt68-asan, ASan+UBSan (the qt68-asan stage)
set -euo pipefail
cd "$(dirname "$0")/../.."

. /etc/os-release
qt=$(qtpaths6 --qt-query QT_VERSION 2>/dev/null || echo unknown)
echo "Debian $VERSION_ID ($VERSION_CODENAME), Qt $qt, $(g++ --version | head -n 1)"

case ${1:-normal} in
normal)
    tree=build-qt68
    options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DIPCSOCKET_TEST_SUFFIX=-qt68)
    ;;
asan)
    tree=build-qt68-asan
    options=(-DCMAKE_BUILD_TYPE=Debug -DIPCSOCKET_SANITIZE=ON -DIPCSOCKET_TEST_SUFFIX=-qt68-asan)
    ;;
*)
    echo "build-and-test.sh: no tree '$1' (normal, asan)" >&2
    exit 2
    ;;
esac

jobs=$(nproc)
cmake -S . -B "$tree" -G Ninja "${options[@]}"
cmake --build "$tree" --parallel "$jobs"
exec ctest --test-dir "$tree" --output-on-failure --parallel "$jobs" --timeout 600
