#!/usr/bin/env bash
# Qt 6.8 LTS, as Debian 13 packages it: the project built and its tests run
# inside a Debian 13 root (scripts/qt68/setup.sh makes it once, in the cache)
# with this work tree mounted at its own path. The tree is build-qt68,
# beside the Qt 6.4 ones; its ASan+UBSan twin is the qt68-asan stage.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/common.sh
. scripts/lib/debian-root.sh

tree=normal
[ "$(basename "$0" .sh)" != qt68-asan ] || tree=asan
root=$(scripts/qt68/setup.sh | tail -n 1)
debian_root_run "$root" "$PWD" "$PWD" scripts/qt68/build-and-test.sh "$tree"
