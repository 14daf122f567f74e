#!/usr/bin/env bash
# Sets up what an ARM stage needs, once: Debian 12's multiarch Qt and cross
# compiler for ARCH (arm64 or armhf), and Debian 13's qemu-user (10.x, a
# static build that runs on Debian 12; Debian 12's 7.2 refuses the clone
# flags Qt 6.4's QProcess uses). qemu-user is fetched with apt's own tools
# from a private apt configuration in the cache and unpacked there, so the
# machine's apt sources and binfmt_misc registrations stay as they are.
# A run with the cache warm only checks. Prints the emulator's path last.
#   setup.sh arm64|armhf
set -euo pipefail
arch=${1:?usage: setup.sh arm64|armhf}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

case "$arch" in
arm64) qemu=qemu-aarch64 ;;
armhf) qemu=qemu-arm ;;
*)
    echo "setup.sh: unknown architecture '$arch' (arm64, armhf)" >&2
    exit 2
    ;;
esac

if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "Adding the Debian architecture $arch" >&2
    as_root dpkg --add-architecture "$arch"
    # install_packages updates the lists when it installs anything.
fi
# Qt Core, Network, Gui, Widgets and Test come with qt6-base-dev; the
# offscreen platform the widget tests run on is in libqt6gui6.
install_packages cmake ninja-build qt6-base-dev qt6-base-dev-tools \
    "crossbuild-essential-$arch" "qt6-base-dev:$arch" >&2

cache=$(ipcsocket_cache_dir)/arm
emulator=$cache/qemu/usr/bin/$qemu
if [ ! -x "$emulator" ]; then
    echo "Fetching Debian 13's qemu-user into $cache/qemu" >&2
    apt=$cache/apt-trixie
    rm -rf "$apt" "$cache/qemu.partial"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/download" "$cache/qemu.partial"
    echo "deb $(debian_mirror) trixie main" >"$apt/sources.list"
    options=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt"
        -o "Dir::State::status=/dev/null" -o Debug::NoLocking=1
        -o APT::Sandbox::User=root -o APT::Architectures::=amd64)
    apt-get "${options[@]}" update -q >&2
    (cd "$apt/download" && apt-get "${options[@]}" download qemu-user >&2)
    dpkg-deb -x "$apt/download"/qemu-user_*.deb "$cache/qemu.partial"
    # The emulators of the two architectures; the other 40 are not kept.
    find "$cache/qemu.partial" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
    find "$cache/qemu.partial/usr" -mindepth 1 -maxdepth 1 ! -name bin -exec rm -rf {} +
    find "$cache/qemu.partial/usr/bin" -mindepth 1 ! -name qemu-aarch64 ! -name qemu-arm -delete
    rm -rf "$cache/qemu"
    mv "$cache/qemu.partial" "$cache/qemu"
    rm -rf "$apt"
fi
"$emulator" --version | head -n 1 >&2
echo "$emulator"
