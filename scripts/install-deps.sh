#!/usr/bin/env bash
# Installs the Debian packages that building, testing and running the
# project need: on Debian 12 (Qt 6.4) and on Debian 13 (Qt 6.8, the qt68
# stage's root). Installs only what is missing, so a second run is quick and
# needs no network.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

# A minimal system (debootstrap --variant=minbase) lacks even `file`, which
# CPack's DEB generator runs.
packages=(
    cmake ninja-build g++ make pkg-config python3 socat file
    qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libgl-dev libvulkan-dev
    qt6-tools-dev qt6-tools-dev-tools
    qt6-declarative-dev qt6-declarative-dev-tools qml-qt6
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript qml6-module-qtquick qml6-module-qtquick-controls
    qml6-module-qtquick-layouts qml6-module-qtquick-templates qml6-module-qtquick-window
    qml6-module-qttest
    xvfb xauth
    dpkg-dev qt6-documentation-tools
    clang libclang-rt-dev
)
# Debian 13 moved QDoc out of qt6-documentation-tools into a package of its
# own.
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
    packages+=(qdoc-qt6)
fi

install_packages "${packages[@]}"
