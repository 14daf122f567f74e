#!/usr/bin/env bash
# Makes the API reference's pictures from the real programs: the poll
# example's two terminals, the QML chat beside the Widgets chat on a virtual
# X server, and (once `cmake --build build --target docs` has run) Qt
# Assistant showing the IPCSocket page. A maintainer's tool, not part of
# the tests (needs x11-apps, imagemagick and Qt Assistant).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
font=DejaVu-Sans-Mono

# The poll example: what the listener and the connector print, side by side.
poll=build/examples/poll/ipcsocket-poll
socket=/tmp/poll.sock
rm -f "$socket"
"$poll" listen "$socket" > "$work/listener.txt" &
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
"$poll" connect "$socket" "hello" "Grüße" "bye" > "$work/connector.txt"
wait
terminal() { # title, text file, output
    convert -background '#1e1e1e' -fill '#e0e0e0' -font "$font" -pointsize 14 \
        -border 12 -bordercolor '#1e1e1e' label:"\$ $1\n$(sed -z 's/\n/\\n/g' "$2")" "$3"
}
terminal "ipcsocket-poll listen /tmp/poll.sock" "$work/listener.txt" "$work/a.png"
terminal "ipcsocket-poll connect /tmp/poll.sock hello Grüße bye" \
    "$work/connector.txt" "$work/b.png"
convert "$work/a.png" "$work/b.png" -background white -gravity north -splice 0x0 \
    +append -bordercolor white -border 4 docs/images/poll-example.png

# The echo server with two clients at once, each with its terminal.
rm -f /tmp/echo.socket
build/examples/echoserver/ipcsocket-echoserver > "$work/server.txt" &
server=$!
for _ in $(seq 100); do [ -S /tmp/echo.socket ] && break; sleep 0.1; done
(build/examples/echoserver/ipcsocket-echoclient hello &
 build/examples/echoserver/ipcsocket-echoclient "Grüße" & wait) > "$work/clients.txt"
sleep 0.3
kill "$server"
wait "$server" || true
terminal "ipcsocket-echoserver" "$work/server.txt" "$work/a.png"
terminal "ipcsocket-echoclient hello & ipcsocket-echoclient Grüße &" "$work/clients.txt" "$work/b.png"
convert "$work/a.png" "$work/b.png" -background white -gravity north -splice 0x0 \
    +append -bordercolor white -border 4 docs/images/echoserver-example.png

# The message channel's server with the Python sender as its peer.
rm -f /tmp/demo.sock
build/examples/messagechannel/ipcsocket-messagechannel --server /tmp/demo.sock > "$work/mc.txt" &
server=$!
for _ in $(seq 100); do [ -S /tmp/demo.sock ] && break; sleep 0.1; done
python3 examples/messagechannel/python/send.py /tmp/demo.sock "Grüße" > "$work/send.txt"
wait "$server"
terminal "ipcsocket-messagechannel --server /tmp/demo.sock" "$work/mc.txt" "$work/a.png"
terminal "python3 python/send.py /tmp/demo.sock Grüße" "$work/send.txt" "$work/b.png"
convert "$work/a.png" "$work/b.png" -background white -gravity north -splice 0x0 \
    +append -bordercolor white -border 4 docs/images/messagechannel-example.png

display=:98
Xvfb "$display" -screen 0 880x420x24 -nolisten tcp &
sleep 1
export DISPLAY=$display QT_QPA_PLATFORM=xcb

# The QML chat (left) talking with the Widgets chat (right).
path="$work/chat.socket"
mkfifo "$work/in"
build/chatdemo/ipcsocket-chatdemo --listen --stdin --path "$path" -geometry 420x380+450+20 \
    < "$work/in" &
exec 3> "$work/in"
for _ in $(seq 100); do [ -S "$path" ] && break; sleep 0.1; done
QML_IMPORT_PATH=build/qml /usr/lib/qt6/bin/qml chatdemo/qml/chat.qml -- --connect --path "$path" \
    --send "Hello from QML" &
sleep 2
echo "Hello from the Widgets chat" >&3
sleep 1
xwd -root -silent | convert xwd:- docs/images/qml-chat.png
kill %2 %3 2>/dev/null || true
wait %2 %3 2>/dev/null || true

# Qt Assistant with the API reference registered.
qch=build/docs/ipcsocket.qch
if [ -f "$qch" ]; then
    Xvfb :99 -screen 0 1100x760x24 -nolisten tcp &
    sleep 1
    export DISPLAY=:99
    cp "$qch" "$work/"
    cat > "$work/assistant.qhcp" <<'QHCP'
<?xml version="1.0" encoding="utf-8" ?>
<QHelpCollectionProject version="1.0">
    <docFiles><register><file>ipcsocket.qch</file></register></docFiles>
</QHelpCollectionProject>
QHCP
    collection="$work/assistant.qhc"
    /usr/lib/qt6/libexec/qhelpgenerator "$work/assistant.qhcp" -o "$collection"
    namespace=$(sed -n 's:.*<namespace>\(.*\)</namespace>.*:\1:p' build/docs/html/ipcsocket.qhp)
    /usr/lib/qt6/bin/assistant -collectionFile "$collection" -geometry 1100x760+0+0 \
        -showUrl "qthelp://$namespace/ipcsocket/ipcsocket.html" &
    sleep 4
    xwd -root -silent | convert xwd:- resources/assistant.png
fi
echo "docs/images/poll-example.png docs/images/echoserver-example.png docs/images/messagechannel-example.png docs/images/qml-chat.png resources/assistant.png written"
