# Shared by the scripts: where caches live, how packages are installed, and
# which Debian mirror this machine uses. Sourced, never run.

# Everything built or downloaded for the test command lives here, outside
# the work tree, so that a second run costs little and nothing built is
# ever committed.
ipcsocket_cache_dir() {
    echo "${IPCSOCKET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ipcsocket}"
}

# Runs a command as root: directly when we are, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

# Installs the Debian packages named that are not installed yet; with none
# missing it needs no network and takes no time.
install_packages() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The Debian mirror that this machine's own apt sources name (deb822 or
# one-line form), so that whatever we fetch comes from where apt already
# fetches.
debian_mirror() {
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '/^URIs:/ { for (i = 2; i <= NF; ++i) if ($i !~ /security/) { print $i; exit } }')
    if [ -z "$uri" ]; then
        uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; ++i) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}
