#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds the project and starts two chat
# windows that are already connected to each other: type into either and
# press Return. The terminal is the second window's TextArea too: every
# line typed here is sent, once the windows are connected. Close the
# windows, press Ctrl+C, or end the input (Ctrl+D) to end; at the end of
# the input the demo ends once every line sent has arrived, so that
#   printf 'hello\n' | scripts/run-demo.sh
# shows the whole demo and ends by itself (non-zero if a line never arrived).
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
        echo "window prints 'DataReceived: <your line>'. Press Ctrl+C or Ctrl+D to end."
        exec xvfb-run -a "$0" --windows-only
    fi
fi

# Background jobs of a script read /dev/null unless told otherwise: keep the
# terminal for the lines to send.
exec 3<&0
work=$(mktemp -d)
listener="" connector="" feeder=""
trap 'kill $listener $connector $feeder 2>/dev/null || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# Both windows' rows, as printed, to see when lines arrive.
rows=$work/rows
: >"$rows"

"$chat" --listen --path "$path" > >(sed -u 's/^/[listener] /' | tee -a "$rows") 0</dev/null &
listener=$!
# Connect once the listener's socket file is there.
for _ in $(seq 100); do
    [ -S "$path" ] && break
    sleep 0.1
done
mkfifo "$work/input"
"$chat" --connect --stdin --path "$path" > >(sed -u 's/^/[connector] /' | tee -a "$rows") \
    0<"$work/input" &
connector=$!
# The terminal's lines go to the connector once it is connected (a line
# sent before would be refused); a copy counts them.
(
    exec 4>"$work/input"
    for _ in $(seq 300); do
        grep -q '^\[connector\] Connected' "$rows" && break
        sleep 0.1
    done
    exec tee "$work/sent" <&3 >&4
) &
feeder=$!
exec 3<&-

# Ends when both windows are closed, or when the input has ended and both
# windows are connected and each line sent has arrived at the listener.
arrived() {
    grep -q '^\[listener\] Connected' "$rows" \
        && [ "$(grep -c '^\[listener\] DataReceived: ' "$rows")" -ge "$1" ]
}
while [ -n "$listener$connector" ]; do
    status=0 ended=""
    wait -n -p ended $listener $connector $feeder || status=$?
    if [ -z "$ended" ]; then
        [ "$status" -gt 128 ] && continue # a signal whose trap returned
        break
    fi
    case "$ended" in
    "$listener") listener="" ;;
    "$connector") connector="" ;;
    "$feeder")
        feeder=""
        sent=$(cat "$work/sent" 2>/dev/null | wc -l)
        for _ in $(seq 300); do
            arrived "$sent" && exit 0
            sleep 0.1
        done
        echo "run-demo.sh: the windows did not connect, or not all of the $sent line(s) sent" \
            "arrived at the listener within 30 s" >&2
        exit 1
        ;;
    esac
done
