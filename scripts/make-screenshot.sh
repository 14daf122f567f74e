#!/usr/bin/env bash
# Takes the README's screenshots from the real program: two chatdemo
# windows on a virtual X server, mid-conversation, grabbed with xwd.
#   make-screenshot.sh          the Linux build (build/), fed through --stdin
#   make-screenshot.sh --wine   the Windows build of the windows-widgets
#                               stage (build-windows-widgets/) under Wine,
#                               typed into as a user would (xdotool)
# A maintainer's tool, not part of the tests (needs x11-apps, imagemagick,
# and for --wine xdotool).
set -euo pipefail
cd "$(dirname "$0")/.."

wine=false
[ "${1:-}" = --wine ] && wine=true

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; $wine && wineserver -k 2>/dev/null; rm -rf "$work"' EXIT
display=:97
Xvfb "$display" -screen 0 880x420x24 -nolisten tcp &
sleep 1
export DISPLAY=$display

if ! $wine; then
    chat=build/chatdemo/ipcsocket-chatdemo
    path="$work/chat.socket"
    export QT_QPA_PLATFORM=xcb
    mkfifo "$work/a" "$work/b"
    "$chat" --listen --stdin --path "$path" -geometry 420x380+10+20 < "$work/a" &
    exec 3> "$work/a"
    for _ in $(seq 100); do [ -S "$path" ] && break; sleep 0.1; done
    "$chat" --connect --stdin --path "$path" -geometry 420x380+450+20 < "$work/b" &
    exec 4> "$work/b"
    sleep 1
    say() { echo "$2" >&"$1"; sleep 0.4; }
    out=resources/screenshot.png
else
    eval "$(scripts/windows/setup.sh --widgets)"
    export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES WINEPATH
    unset QT_QPA_PLATFORM # Qt's own Windows platform, drawn by Wine on X
    chat=build-windows-widgets/bin/ipcsocket-chatdemo.exe
    # A Windows path: the demo names its pipe after it.
    path="Z:${work//\//\\}\\chat.socket"
    wine "$chat" --listen --path "$path" -qwindowgeometry 420x380+10+20 &
    sleep 3
    wine "$chat" --connect --path "$path" -qwindowgeometry 420x380+450+20 &
    sleep 4
    # Keys go where the pointer clicked: each window's text area, which
    # lies under its message list.
    say() {
        local x=$((${1} == 3 ? 220 : 660))
        xdotool mousemove "$x" 330 click 1
        xdotool type --delay 20 "$2"
        xdotool key Return
        sleep 0.6
    }
    out=resources/screenshot-windows.png
fi

say 3 "Hi! Is the build green on your side?"
say 4 "Yes: ctest says 100% tests passed."
if ! $wine; then
    say 3 "Grüße aus dem Listener, ça va?"
    say 4 "世界, 你好 — UTF-8 arrives intact."
else
    # xdotool types what Wine's keyboard map has keys for, and Wine's own
    # fonts have no CJK: the windows speak ASCII here (tst_chatdemo types
    # the rest into the same program under Wine).
    say 3 "Greetings from the listener, built for Windows."
    say 4 "And from the connector: a named pipe under Wine."
fi
sleep 1

xwd -root -silent | convert xwd:- "$out"
echo "$out written"
