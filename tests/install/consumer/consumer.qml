// Run with the qml tool against the installed QML module.
import QtQuick
import IPCSocket

Item {
    IPCSocket {
        id: listener
        // The socket path comes last on the command line: qml consumer.qml -- PATH
        path: Qt.application.arguments[Qt.application.arguments.length - 1]
        onDataAvailable: {
            if (readAllText() === "hello from QML")
                Qt.exit(0)
        }
    }
    IPCSocket {
        id: connector
        path: listener.path
        onConnected: writeText("hello from QML")
    }
    Timer {
        interval: 20000
        running: true
        onTriggered: Qt.exit(1)
    }
    Component.onCompleted: {
        if (!listener.listen() || !connector.connect())
            Qt.exit(1)
    }
}
