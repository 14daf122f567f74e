# Debian roots made with debootstrap, and commands run inside them: the
# Qt 6.8 stage builds in a Debian 13 root, the fresh-machine check in a new
# Debian 12 one. Sourced after common.sh, never run.

# Makes a minimal root of SUITE at ROOT from this machine's mirror, unless
# a complete one is there already. Extra arguments go to debootstrap
# (--include=git, ...). debootstrap writes into ROOT.partial first, so that
# an interrupted run leaves no half-made root behind to be taken for whole.
debian_root_make() {
    local suite=$1 root=$2
    shift 2
    [ -x "$root/usr/bin/apt-get" ] && [ -f "$root/.debootstrap-complete" ] && return 0
    install_packages debootstrap
    as_root rm -rf "$root.partial" "$root"
    mkdir -p "$(dirname "$root")"
    echo "Making a minimal Debian $suite root in $root (debootstrap)"
    as_root debootstrap --variant=minbase "$@" "$suite" "$root.partial" "$(debian_mirror)"
    as_root touch "$root.partial/.debootstrap-complete"
    as_root mv "$root.partial" "$root"
}

# Runs a command as root inside ROOT, in the directory WORKDIR of the root.
# MOUNT, unless empty, is a directory of this machine made visible at the
# same path (read-write), so that paths in build trees and logs read alike
# inside and out. A mount namespace of its own holds /proc, /dev, /sys, a
# private /tmp and MOUNT: however the command ends, the kernel takes them
# down with the namespace, and the host's mounts never change.
#   debian_root_run ROOT MOUNT WORKDIR COMMAND [ARG...]
debian_root_run() {
    local root=$1 mount=$2 workdir=$3
    shift 3
    as_root cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    # shellcheck disable=SC2016 # expanded by the inner shell
    as_root unshare --mount --propagation private --fork --kill-child -- /bin/sh -euc '
        root=$1 mount=$2 workdir=$3
        shift 3
        # The root made a mount point of its own: inside it, "/" is then one,
        # and a nested debian_root_run (the fresh check runs the Qt 6.8
        # stage, which makes its own root) can change its propagation.
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount --rbind /sys "$root/sys"
        mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
        # Made only now: a work tree under /tmp needs its mount point in
        # the private /tmp just mounted, which hides the one beneath.
        if [ -n "$mount" ]; then
            mkdir -p "$root$mount"
            mount --bind "$mount" "$root$mount"
        fi
        exec chroot "$root" /usr/bin/env -i \
            HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            XDG_RUNTIME_DIR=/tmp/runtime-root \
            /bin/sh -c "mkdir -m 0700 -p /tmp/runtime-root && cd \"\$0\" && exec \"\$@\"" \
            "$workdir" "$@"
    ' sh "$root" "$mount" "$workdir" "$@"
}
