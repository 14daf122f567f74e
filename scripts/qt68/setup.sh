#!/usr/bin/env bash
# Makes the Debian 13 (trixie) root that the qt68 stage builds and tests in:
# Qt 6.8 LTS as Debian packages it, with the packages scripts/install-deps.sh
# names, installed by that script itself. Made once, in the cache outside the
# work tree; brought up to date only when install-deps.sh changes (a stamp).
# Prints the root's path on its last line.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/common.sh
. scripts/lib/debian-root.sh

root=$(ipcsocket_cache_dir)/qt68-root
stamp=$(sha256sum scripts/install-deps.sh | cut -d' ' -f1)

debian_root_make trixie "$root"
if [ "$(cat "$root/.ipcsocket-packages" 2>/dev/null)" != "$stamp" ]; then
    echo "Installing the project's packages into $root"
    debian_root_run "$root" "$PWD" "$PWD" scripts/install-deps.sh
    echo "$stamp" | as_root tee "$root/.ipcsocket-packages" >/dev/null
fi
echo "$root"
