// The chat sample in Qt Quick Controls: the same window, path and framing
// as the Widgets chatdemo, so the two chat with each other.
//
//   qml chat.qml -- [--path P] [--listen | --connect] [--send TEXT]
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import IPCSocket

ApplicationWindow {
    id: window

    // Command line: what comes after "--" on the qml tool's command line.
    readonly property var args: Qt.application.arguments
    function option(name) {
        const i = args.indexOf(name)
        return i >= 0 && i + 1 < args.length ? args[i + 1] : ""
    }
    // The Widgets chatdemo's default when TMPDIR is not set.
    readonly property string socketPath: option("--path") !== ""
        ? option("--path") : "/tmp/org.ipcsocket.chatdemo.socket"
    property string pending: ""

    width: 420
    height: 380
    minimumWidth: 320
    minimumHeight: 260
    visible: true
    title: qsTr("IPCSocket Chat (QML) — %1").arg(socketPath)

    // The framing of the Widgets chatdemo: one message a line, with "\n"
    // and "\\" escaped inside it.
    function encode(text) {
        return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r") + "\n"
    }
    function decode(line) {
        let out = ""
        for (let i = 0; i < line.length; ++i) {
            const c = line[i]
            if (c !== "\\" || i + 1 === line.length) {
                out += c
                continue
            }
            const next = line[++i]
            out += next === "n" ? "\n" : next === "r" ? "\r" : next
        }
        return out.endsWith("\r") && !line.endsWith("\\r") ? out.slice(0, -1) : out
    }
    function addRow(text) {
        rows.append({ row: text })
        rowView.positionViewAtEnd()
        console.log(text)
    }
    function send() {
        if (textArea.text === "")
            return
        if (socket.writeText(encode(textArea.text)) < 0)
            return
        socket.flush()
        textArea.clear()
    }

    IPCSocket {
        id: socket
        path: window.socketPath
        onConnected: {
            window.addRow("Connected")
            if (window.option("--send") !== "") {
                writeText(window.encode(window.option("--send")))
                flush()
            }
        }
        onDataAvailable: {
            window.pending += readAllText()
            let end
            while ((end = window.pending.indexOf("\n")) >= 0) {
                window.addRow("DataReceived: " + window.decode(window.pending.slice(0, end)))
                window.pending = window.pending.slice(end + 1)
            }
        }
        onError: (errorNumber, message) => window.addRow("Error: " + errorNumber + " " + message)
    }

    ListModel { id: rows }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8

        ListView {
            id: rowView
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: rows
            // The role is not called "text": a required property of that
            // name would hide the Label's own, which would then show nothing.
            delegate: Label {
                required property string row
                width: ListView.view.width
                text: row.length > 4000 ? row.slice(0, 4000) + "…" : row
                wrapMode: Text.Wrap
            }
        }
        TextArea {
            id: textArea
            Layout.fillWidth: true
            Layout.preferredHeight: 70
            focus: true
            placeholderText: qsTr("Type a message, then Return to send it (Shift+Return: new line)")
            Keys.onPressed: (event) => {
                if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                    return
                event.accepted = true
                if (event.modifiers & Qt.ShiftModifier)
                    textArea.insert(textArea.cursorPosition, "\n")
                else
                    window.send()
            }
        }
        RowLayout {
            Button {
                text: qsTr("Listen")
                enabled: !socket.isListening && !socket.isConnected
                onClicked: socket.listen()
            }
            Button {
                text: qsTr("Connect")
                enabled: !socket.isListening && !socket.isConnected
                onClicked: socket.connect()
            }
            Button {
                text: qsTr("Close")
                onClicked: { socket.close(); window.pending = "" }
            }
        }
    }

    Component.onCompleted: {
        if (args.indexOf("--listen") >= 0)
            socket.listen()
        else if (args.indexOf("--connect") >= 0)
            socket.connect()
    }
}
