// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import IPCSocket

TestCase {
    id: testCase
    name: "IPCServerSocketQml"

    Component { id: socketComponent; IPCSocket {} }
    Component { id: spyComponent; SignalSpy {} }
    // The form the reference shows: greet every peer.
    Component {
        id: serverComponent
        IPCServerSocket {
            property int greeted: 0
            onPeerConnected: (socket) => {
                socket.writeText("hello " + greeted)
                greeted += 1
            }
        }
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase,
                                     { target: target, signalName: signalName })
    }

    function test_greetsEveryPeer() {
        const path = socketDir + "/server.sock"
        const server = createTemporaryObject(serverComponent, testCase, { path: path })
        compare(server.maximumSocketsConnected, 10)
        compare(server.connectionCount, 0)
        const listening = spy(server, "isListeningChanged")
        verify(server.listen())
        compare(listening.count, 1)
        verify(server.isListening)
        verify(server.handle >= 0)

        const clients = []
        for (let i = 0; i < 3; ++i) {
            const client = createTemporaryObject(socketComponent, testCase, { path: path })
            verify(client.connect())
            clients.push(client)
        }
        tryCompare(server, "connectionCount", 3)
        compare(server.activeConnections().length, 3)
        for (let i = 0; i < 3; ++i)
            tryCompare(clients[i], "bytesAvailable", 7)
        const greetings = clients.map((client) => client.readAllText()).sort()
        compare(greetings, ["hello 0", "hello 1", "hello 2"])
        // Every connection knows its peer: this process.
        const peer = server.activeConnections()[0]
        verify(peer.peerProcessId > 0)
        compare(peer.peerProcessId, clients[0].peerProcessId)

        clients[0].close()
        tryCompare(server, "connectionCount", 2)
        server.close()
        verify(!server.isListening)
        compare(server.connectionCount, 0)
    }

    function test_errors() {
        const server = createTemporaryObject(serverComponent, testCase, { path: "" })
        const errors = spy(server, "error")
        verify(!server.listen())
        compare(errors.count, 1)
        compare(errors.signalArguments[0][0], 107)
        compare(server.lastErrorCode, 107)

        const path = socketDir + "/busy.sock"
        const first = createTemporaryObject(serverComponent, testCase, { path: path })
        const second = createTemporaryObject(serverComponent, testCase, { path: path })
        verify(first.listen())
        verify(!second.listen())
        compare(second.lastErrorCode, 105)
    }
}
