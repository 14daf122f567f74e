#!/usr/bin/env bash
# Fresh means fresh: runs the README's two commands on a minimal Debian 12
# made anew (debootstrap --variant=minbase bookworm, plus git), in a clean
# clone of this repository's committed HEAD, so that nothing installed on
# this machine can hide a missing install step. Slow (it installs everything
# from scratch, the nested stages' own roots too); not part of run-tests.sh.
#
#   scripts/check-fresh-debian12.sh [STAGE...]
# The stages go to run-tests.sh inside (default: all of them, as the README
# runs it). The root stays in the cache for inspection until the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. scripts/lib/debian-root.sh

root=$(ipcsocket_cache_dir)/fresh-debian12
commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "Note: uncommitted changes are not checked; the check runs commit $commit."
fi
echo "Stages that run-tests.sh runs inside: ${*:-all (its default)}"

started=$SECONDS
as_root rm -rf "$root"
debian_root_make bookworm "$root" --include=git
# The clone is made inside, by the root's own git, from this repository's
# git directory (a worktree's too: the one that holds the objects) mounted
# at its own path for that command only.
gitdir=$(cd "$(git rev-parse --git-common-dir)" && pwd)
debian_root_run "$root" "$gitdir" / git clone --quiet --no-checkout "$gitdir" /root/ipcsocket
debian_root_run "$root" "" /root/ipcsocket \
    git -c advice.detachedHead=false checkout --quiet "$commit"
echo "Root made and $commit cloned in $((SECONDS - started)) s"

# run-demo.sh ends by itself at the end of its input, once the line sent
# has arrived: the whole demo (both windows connected, a line across).
demo_status=0
step=$SECONDS
printf 'hello from a fresh Debian 12\n' \
    | debian_root_run "$root" "" /root/ipcsocket timeout 1800 scripts/run-demo.sh \
    || demo_status=$?
demo_time=$((SECONDS - step))

tests_status=0
step=$SECONDS
debian_root_run "$root" "" /root/ipcsocket timeout 5400 scripts/run-tests.sh "$@" </dev/null \
    || tests_status=$?
tests_time=$((SECONDS - step))

echo
echo "=== fresh Debian 12 ($commit)"
printf 'scripts/run-demo.sh   exit %d, %d s\n' "$demo_status" "$demo_time"
printf 'scripts/run-tests.sh %s  exit %d, %d s\n' "$*" "$tests_status" "$tests_time"
echo "total: $((SECONDS - started)) s; the root: $root"
[ "$demo_status" -eq 0 ] && [ "$tests_status" -eq 0 ]
