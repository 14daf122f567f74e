#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds the project and starts two chat
# windows that are already connected to each other: type into either and
# press Return. Close the windows to end.
set -euo pipefail
cd "$(dirname "$0")/.."

chat=build/chatdemo/ipcsocket-chatdemo
path="${IPCSOCKET_DEMO_PATH:-${TMPDIR:-/tmp}/org.ipcsocket.chatdemo.socket}"

if [ "${1:-}" != "--windows-only" ]; then
    scripts/install-deps.sh
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build --parallel "$(nproc)" --target ipcsocket-chatdemo
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "No display: running the two windows on a virtual X server (xvfb-run);"
        echo "their rows are printed here. Press Ctrl+C to end."
        exec xvfb-run -a "$0" --windows-only
    fi
fi

"$chat" --listen --path "$path" &
listener=$!
# Connect once the listener's socket file is there.
for _ in $(seq 100); do
    [ -S "$path" ] && break
    sleep 0.1
done
"$chat" --connect --path "$path" &
connector=$!
wait "$listener" "$connector"
