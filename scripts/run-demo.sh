#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds the project and starts two chat
# windows that are already connected to each other: type into either and
# press Return. The terminal is the second window's TextArea too: every
# line typed here is sent. Close the windows (or press Ctrl+C) to end.
#
# IPCSOCKET_DEMO_PATH chooses the socket file, IPCSOCKET_CHATDEMO the
# program (the tests run another build tree's).
set -euo pipefail
cd "$(dirname "$0")/.."

chat="${IPCSOCKET_CHATDEMO:-build/chatdemo/ipcsocket-chatdemo}"
path="${IPCSOCKET_DEMO_PATH:-${TMPDIR:-/tmp}/org.ipcsocket.chatdemo.socket}"

if [ "${1:-}" != "--windows-only" ]; then
    scripts/install-deps.sh
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build --parallel "$(nproc)" --target ipcsocket-chatdemo
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "No display: running the two windows on a virtual X server (xvfb-run)."
        echo "Their rows are printed here, each after its window's name. Type a line"
        echo "and press Return: the [connector] window sends it and the [listener]"
        echo "window prints 'DataReceived: <your line>'. Press Ctrl+C to end."
        exec xvfb-run -a "$0" --windows-only
    fi
fi

# Background jobs of a script read /dev/null unless told otherwise: keep the
# terminal for the connector.
exec 3<&0
listener="" connector=""
trap 'kill $listener $connector 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

"$chat" --listen --path "$path" > >(sed -u 's/^/[listener] /') 0</dev/null &
listener=$!
# Connect once the listener's socket file is there.
for _ in $(seq 100); do
    [ -S "$path" ] && break
    sleep 0.1
done
"$chat" --connect --stdin --path "$path" > >(sed -u 's/^/[connector] /') 0<&3 &
connector=$!
exec 3<&-
wait "$listener" "$connector"
