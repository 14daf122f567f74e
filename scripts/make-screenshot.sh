#!/usr/bin/env bash
# Takes the README's screenshot from the real program: two chatdemo
# windows on a virtual X server, mid-conversation, grabbed with xwd.
# A maintainer's tool, not part of the tests (needs x11-apps, imagemagick).
set -euo pipefail
cd "$(dirname "$0")/.."

chat=build/chatdemo/ipcsocket-chatdemo
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
path="$work/chat.socket"
display=:97

Xvfb "$display" -screen 0 880x420x24 -nolisten tcp &
sleep 1
export DISPLAY=$display QT_QPA_PLATFORM=xcb

mkfifo "$work/a" "$work/b"
"$chat" --listen --stdin --path "$path" -geometry 420x380+10+20 < "$work/a" &
exec 3> "$work/a"
for _ in $(seq 100); do [ -S "$path" ] && break; sleep 0.1; done
"$chat" --connect --stdin --path "$path" -geometry 420x380+450+20 < "$work/b" &
exec 4> "$work/b"
sleep 1

say() { echo "$2" >&"$1"; sleep 0.4; }
say 3 "Hi! Is the build green on your side?"
say 4 "Yes: ctest says 100% tests passed."
say 3 "Grüße aus dem Listener, ça va?"
say 4 "世界, 你好 — UTF-8 arrives intact."
sleep 1

xwd -root -silent | convert xwd:- resources/screenshot.png
echo "resources/screenshot.png written"
