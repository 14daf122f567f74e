#!/usr/bin/env bash
# Sets up what the Windows stage needs, once: the MinGW-w64 cross compiler
# and Wine from Debian's packages, Qt for Windows built from Debian's own
# qtbase source (the same version as the host Qt, whose tools it uses), and
# a headless Wine prefix. All of it is cached outside the work tree; a run
# with the cache warm only checks it. Prints the variables that the stage
# uses (QT_WIN, WINEPREFIX, WINEPATH) as shell assignments.
# IPCSOCKET_WINEPREFIX, if set, names the Wine prefix to use (made if new).
#
# --widgets: a second Qt for Windows, with Qt Gui and Qt Widgets, for the
# windows-widgets stage (about three times the files: its own stage, so
# that the default test command stays within its time on a fresh machine).
set -euo pipefail
widgets=false
case "${1:-}" in
--widgets) widgets=true ;;
'') ;;
*)
    echo "setup.sh: unknown option '$1'" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

install_packages g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 wine wine64 \
    dpkg-dev cmake ninja-build qt6-base-dev qt6-base-dev-tools >&2

cache=$(ipcsocket_cache_dir)/windows
# The host's Qt: with the ARM stages' Qt for arm64 and armhf installed
# beside it, the package name alone gives a version each.
version=$(dpkg-query -W -f='${Version}' "qt6-base-dev:$(dpkg --print-architecture)")
upstream=${version%%+*}
qt=$cache/qt-$upstream-mingw
$widgets && qt=$qt-widgets
# What the build takes; a change here builds it anew.
features=(
    -DFEATURE_gui=OFF -DFEATURE_widgets=OFF -DFEATURE_sql=OFF -DFEATURE_dbus=OFF
    -DFEATURE_concurrent=OFF -DFEATURE_xml=OFF -DFEATURE_ssl=OFF -DFEATURE_icu=OFF
    -DFEATURE_zstd=OFF -DFEATURE_system_zlib=OFF -DFEATURE_system_pcre2=OFF
    -DFEATURE_system_doubleconversion=OFF -DFEATURE_brotli=OFF
    # Not implied by ssl=OFF: the Schannel TLS plugin is built otherwise,
    # and does not compile without ssl.
    -DFEATURE_schannel=OFF
    # What neither the project nor QtTest uses: a fifth fewer files to
    # compile (302 instead of 373), the build being most of a fresh run.
    -DFEATURE_http=OFF -DFEATURE_udpsocket=OFF -DFEATURE_networkproxy=OFF
    -DFEATURE_socks5=OFF -DFEATURE_networkdiskcache=OFF -DFEATURE_dnslookup=OFF
    -DFEATURE_topleveldomain=OFF -DFEATURE_sspi=OFF -DFEATURE_gssapi=OFF
    -DFEATURE_dtls=OFF -DFEATURE_ocsp=OFF -DFEATURE_animation=OFF
    -DFEATURE_easingcurve=OFF -DFEATURE_mimetype=OFF -DFEATURE_settings=OFF
    -DFEATURE_timezone=OFF -DFEATURE_datetimeparser=OFF
    -DFEATURE_islamiccivilcalendar=OFF -DFEATURE_jalalicalendar=OFF
    -DFEATURE_hijricalendar=OFF -DFEATURE_sharedmemory=OFF
    -DFEATURE_systemsemaphore=OFF -DFEATURE_filesystemwatcher=OFF
    -DFEATURE_translation=OFF -DFEATURE_itemmodel=OFF -DFEATURE_commandlineparser=OFF
    -DFEATURE_xmlstream=OFF -DFEATURE_future=OFF
)
if $widgets; then
    # Qt Gui and Widgets without what the widgets, the chat demo and the
    # offscreen platform the tests run on do not need; FreeType stays (the
    # offscreen platform's fonts), and so do the Core features that Gui,
    # Widgets or the demo use: QSettings (the Windows font database), item
    # models (QListWidget), the command line parser (the demo), animations
    # (the styles). Tablets need Wacom's wintab.h, which Debian's source
    # leaves out (its licence forbids changes). Without Direct2D, Qt 6.4
    # does not build its DirectWrite font database that the Windows
    # platform plugin still asks for (directwrite3): GDI's is used.
    features+=(
        -DFEATURE_gui=ON -DFEATURE_widgets=ON -DFEATURE_settings=ON
        -DFEATURE_itemmodel=ON -DFEATURE_commandlineparser=ON
        -DFEATURE_animation=ON -DFEATURE_easingcurve=ON
        -DINPUT_opengl=no -DFEATURE_vulkan=OFF -DFEATURE_printsupport=OFF
        -DFEATURE_jpeg=OFF -DFEATURE_gif=OFF -DFEATURE_harfbuzz=OFF
        -DFEATURE_direct2d=OFF -DFEATURE_textmarkdownreader=OFF
        -DFEATURE_textmarkdownwriter=OFF -DFEATURE_textodfwriter=OFF -DFEATURE_pdf=OFF
        -DFEATURE_sessionmanager=OFF -DFEATURE_graphicsview=OFF -DFEATURE_mdiarea=OFF
        -DFEATURE_calendarwidget=OFF -DFEATURE_tabletevent=OFF
        -DFEATURE_directwrite3=OFF
    )
fi
stamp="$version ${features[*]} $(sha1sum "$here/mingw-toolchain.cmake" | cut -c1-12)"

# Source and build tree of each flavour apart, so that both can be built
# at the same time.
src=$qt.src
build=$qt.build

# Debian's qtbase source of this version, unpacked in $src, once.
fetch_source() {
    [ "$(cat "$src/.version" 2>/dev/null)" = "$version" ] && return 0
    rm -rf "$src"
    local apt=$src/.apt
    mkdir -p "$apt/lists/partial"
    # A private apt list with Debian's source packages, from this machine's
    # own mirror: the system's apt configuration is left as it is.
    echo "deb-src $(debian_mirror) bookworm main" > "$apt/sources.list"
    local apt_opts=(-o Dir::Etc::SourceList="$apt/sources.list"
                    -o Dir::Etc::SourceParts=/dev/null
                    -o Dir::State::Lists="$apt/lists" -o Debug::NoLocking=1)
    apt-get -q "${apt_opts[@]}" update >&2
    (cd "$src" && apt-get -q "${apt_opts[@]}" source "qt6-base=$version") >&2
    echo "$version" > "$src/.version"
}

# IPCSOCKET_WINEPREFIX gives a run a prefix of its own, so that its
# "wineserver -k" at the end leaves another run's Wine processes alone.
export WINEPREFIX=${IPCSOCKET_WINEPREFIX:-$cache/wineprefix}
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
make_prefix() {
    [ -f "$WINEPREFIX/system.reg" ] && return 0
    # A prefix of its own, made headless (no Mono or Gecko dialogs).
    DISPLAY= wineboot --init >&2 2>/dev/null || true
    wineserver --wait || true
}

qt_is_built() { [ "$(cat "$qt/.stamp" 2>/dev/null)" = "$stamp" ]; }

if ! qt_is_built; then
    started=$SECONDS
    rm -rf "$qt"
    fetch_source
    qtbase=$(find "$src" -maxdepth 1 -mindepth 1 -type d -name 'qt6-base-*' | head -n 1)
    cmake -S "$qtbase" -B "$build" -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$here/mingw-toolchain.cmake" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$qt" \
        -DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR=/usr/lib/x86_64-linux-gnu/cmake \
        -DQT_BUILD_EXAMPLES=OFF -DQT_BUILD_TESTS=OFF "${features[@]}" >&2
    cmake --build "$build" --parallel "$(nproc)" >&2
    cmake --install "$build" >&2
    rm -rf "$build" "$src"
    echo "$stamp" > "$qt/.stamp"
    echo "Qt $upstream for Windows built in $((SECONDS - started)) s: $(du -sh "$qt" | cut -f1)" >&2
fi
make_prefix

# The MinGW runtime DLLs that every program built here needs.
mingw_runtime=$(dirname "$(x86_64-w64-mingw32-g++-posix -print-file-name=libstdc++-6.dll)")
pthread_runtime=$(dirname "$(x86_64-w64-mingw32-g++-posix -print-file-name=libwinpthread-1.dll)")

to_windows() { echo "Z:${1//\//\\}"; }
cat <<VARS
QT_WIN='$qt'
WINEPREFIX='$WINEPREFIX'
WINEDEBUG='$WINEDEBUG'
WINEDLLOVERRIDES='$WINEDLLOVERRIDES'
WINEPATH='$(to_windows "$qt/bin");$(to_windows "$mingw_runtime");$(to_windows "$pthread_runtime")'
VARS
