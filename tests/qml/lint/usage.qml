// The lint test checks that a file using the module passes: it uses every
// kind of member (property, enum, method, signal handler with arguments).
// Bindings to the qint64 properties are left out: Qt 6.4's qmllint does not
// know the type (qlonglong) and warns, though they work at run time.
import QtQml
import IPCSocket

QtObject {
    id: root

    property string log: ""
    property bool busy: socket.isConnected || socket.isListening

    property IPCSocket socket: IPCSocket {
        path: "/tmp/lint.sock"
        accessMode: IPCSocket.GroupAccess
        onConnected: root.log += "connected\n"
        onDataAvailable: root.log += readAllText("UTF-8")
        onError: (errorNumber, message) => {
            if (errorNumber === IPCSocket.LostConnection)
                root.log += message
        }
    }

    property IPCMessageChannel channel: IPCMessageChannel {
        socket: root.socket
        onTextMessageReceived: (message) => root.log += message
        onBinaryMessageReceived: (message) => root.log += message.byteLength
        onError: (errorNumber, message) => {
            if (errorNumber === IPCSocket.ProtocolError)
                root.log += message
        }
    }

    property IPCServerSocket server: IPCServerSocket {
        path: "/tmp/usage-server.socket"
        maximumSocketsConnected: 0
        onPeerConnected: (peer) => peer.writeText("hello " + peer.peerProcessId)
        onError: (errorNumber, message) => root.log += message
        onConnectionCountChanged: root.log += connectionCount
    }

    Component.onCompleted: {
        if (!server.listen() || !server.isListening)
            console.log(server.lastErrorCode)
        if (!socket.listen())
            console.log(socket.lastErrorCode)
        socket.writeText("text", "UTF-16LE")
        if (channel.sendTextMessage("message") < 0)
            channel.sendBinaryMessage(new ArrayBuffer(4))
        socket.flush()
        socket.poll()
        socket.close()
    }
}
