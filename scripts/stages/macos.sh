#!/usr/bin/env bash
# macOS, compile only: every C++ file a macOS build of the project compiles
# (the library, widgets, the Designer and QML plugins, the examples, the
# chat demo, the tests, stress and the benchmark, with their moc, uic and
# rcc output) is compiled for macOS 11 on x86_64 and macOS 13 on arm64,
# with Zig's clang against the macOS system headers Zig ships and with
# warnings as errors in the project's files. The files are those of a CMake
# configure for Darwin (scripts/macos/darwin.cmake), so that the project's
# `if(APPLE)` branches are taken and a new file is compiled without anyone
# naming it. The Qt headers are this machine's (Qt 6.4 for Linux): there is
# no Qt for macOS here. Nothing is linked and nothing is run. Compiled
# without optimization: clang's warnings do not depend on it, and it is the
# most of the time.
# Ends with ctest's summary line, one test a file and target.
set -euo pipefail
cd "$(dirname "$0")/../.."

eval "$(scripts/macos/setup.sh)"
export ZIG_GLOBAL_CACHE_DIR ZIG_LOCAL_CACHE_DIR CCACHE_DIR CCACHE_COMPILERCHECK CCACHE_BASEDIR \
    CCACHE_NOHASHDIR CCACHE_MAXSIZE CCACHE_DEPEND

qt_cmake_dir=/usr/lib/$(gcc -print-multiarch)/cmake
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
total=0
failed=0
failures=()
for arch in x86_64 arm64; do
    cxx_var=MACOS_CXX_$arch
    tree=build-macos-$arch
    echo "--- macOS $arch: $(basename "${!cxx_var}" -c++)"
    cmake -S . -B "$tree" -G Ninja -Wno-dev \
        -DCMAKE_TOOLCHAIN_FILE="$PWD/scripts/macos/darwin.cmake" \
        -DCMAKE_CXX_COMPILER="${!cxx_var}" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
        -DCMAKE_BUILD_TYPE= \
        -DCMAKE_CXX_FLAGS=-Werror \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DCMAKE_PREFIX_PATH="$qt_cmake_dir" \
        -DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR="$qt_cmake_dir" >"$logs/configure-$arch.log" \
        || { cat "$logs/configure-$arch.log"; exit 1; }
    # Every object file of the build, and what makes their sources (moc,
    # uic, rcc, the QML type registrations) through its own rules.
    mapfile -t objects < <(python3 - "$tree/compile_commands.json" <<'PY'
import json, os, shlex, sys
tree = os.path.dirname(sys.argv[1])
for entry in json.load(open(sys.argv[1])):
    words = shlex.split(entry["command"])
    output = words[words.index("-o") + 1]
    print(os.path.relpath(os.path.join(entry["directory"], output), tree))
PY
)
    [ ${#objects[@]} -gt 0 ] || { echo "no files to compile in $tree" >&2; exit 1; }
    ninja -C "$tree" -k 0 "${objects[@]}" || true
    # What ninja still has to do is what did not compile.
    for object in "${objects[@]}"; do
        total=$((total + 1))
        if ! ninja -C "$tree" -n "$object" | grep -q '^ninja: no work to do'; then
            failed=$((failed + 1))
            failures+=("$arch: $object")
        fi
    done
    generated=$(printf '%s\n' "${objects[@]}" | grep -c -E '_autogen/|/\.rcc/|_qmltyperegistrations|Plugin\.cpp\.o$' || true)
    echo "--- macOS $arch: ${#objects[@]} files compiled, $generated of them made by moc, rcc and" \
        "qmltyperegistrar (uic's headers are in the others)"
done

echo
for failure in "${failures[@]}"; do
    echo "did not compile: $failure"
done
echo "$(( (total - failed) * 100 / total ))% tests passed, $failed tests failed out of $total"
echo "(compiled, not linked, not run: no macOS here)"
[ "$failed" -eq 0 ]
