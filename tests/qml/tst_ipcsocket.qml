import QtQuick
import QtTest
import IPCSocket

TestCase {
    id: testCase
    name: "IPCSocketQml"

    Component { id: socketComponent; IPCSocket {} }
    Component { id: spyComponent; SignalSpy {} }
    // What a binding sees.
    Component {
        id: watcherComponent
        QtObject {
            property IPCSocket socket
            readonly property bool connected: socket ? socket.isConnected : false
            readonly property bool listening: socket ? socket.isListening : false
            readonly property int available: socket ? socket.bytesAvailable : -1
            readonly property int lastError: socket ? socket.lastErrorCode : -1
        }
    }

    function makeSocket(name) {
        return createTemporaryObject(socketComponent, testCase,
                                     { path: name === "" ? "" : socketDir + "/" + name })
    }
    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase,
                                     { target: target, signalName: signalName })
    }
    function connectPair(name) {
        const a = makeSocket(name)
        const b = makeSocket(name)
        const aConnected = spy(a, "connected")
        const bConnected = spy(b, "connected")
        verify(a.listen())
        verify(a.isListening)
        verify(b.connect())
        tryCompare(aConnected, "count", 1)
        tryCompare(bConnected, "count", 1)
        return [a, b]
    }

    function test_textBothWays() {
        const [a, b] = connectPair("text.sock")
        const data = spy(b, "dataAvailable")
        const text = "Grüße, 世界 🚀"
        compare(a.writeText(text), 20) // UTF-8 bytes
        tryCompare(b, "bytesAvailable", 20)
        verify(data.count >= 1)
        compare(b.lookaheadText(), text)
        compare(b.bytesAvailable, 20) // lookahead keeps it
        compare(b.readAllText(), text)
        compare(b.bytesAvailable, 0)
        verify(b.endOfFile())

        compare(b.writeText("zurück", "UTF-16LE"), 12)
        tryCompare(a, "bytesAvailable", 12)
        compare(a.readText(4, "UTF-16LE"), "zu")
        compare(a.readAllText("UTF-16LE"), "rück")
    }

    function test_bindingsUpdate() {
        const a = makeSocket("bind.sock")
        const b = makeSocket("bind.sock")
        const watchA = createTemporaryObject(watcherComponent, testCase, { socket: a })
        const watchB = createTemporaryObject(watcherComponent, testCase, { socket: b })
        compare(watchA.connected, false)
        verify(a.listen())
        compare(watchA.listening, true)
        verify(b.connect())
        tryCompare(watchA, "connected", true)
        compare(watchA.listening, false)
        compare(watchB.connected, true)
        a.writeText("12345")
        tryCompare(watchB, "available", 5)
        b.readText(2)
        compare(watchB.available, 3)
        a.close()
        tryCompare(watchB, "connected", false)
        compare(watchB.lastError, IPCSocket.LostConnection)
        compare(watchB.available, 3) // what arrived stays readable
        compare(b.readAllText(), "345")
        compare(watchB.available, 0)
    }

    function test_errors_data() {
        return [
            { tag: "103 nobody listening", file: "nobody.sock", action: "connect", code: 103 },
            { tag: "107 empty path", file: "", action: "listen", code: 107 },
            { tag: "107 missing folder", file: "missing/x.sock", action: "connect", code: 107 },
        ]
    }
    function test_errors(row) {
        const socket = makeSocket(row.file)
        const errors = spy(socket, "error")
        verify(!(row.action === "listen" ? socket.listen() : socket.connect()))
        compare(errors.count, 1)
        compare(errors.signalArguments[0][0], row.code)
        const message = errors.signalArguments[0][1]
        verify(message.length > 0)
        if (row.file !== "")
            verify(message.indexOf(socket.path) >= 0, message)
        compare(socket.lastErrorCode, row.code)
    }

    function test_invalidState() {
        const socket = makeSocket("state.sock")
        const errors = spy(socket, "error")
        compare(socket.writeText("not connected"), -1)
        compare(errors.count, 1)
        compare(errors.signalArguments[0][0], IPCSocket.InvalidStateError)
        verify(socket.listen())
        verify(!socket.connect())
        compare(errors.signalArguments[1][0], 106)
    }

    function test_unknownEncoding() {
        const [a, b] = connectPair("enc.sock")
        const errors = spy(a, "error")
        compare(a.writeText("x", "no-such-encoding"), -1)
        compare(errors.count, 1)
        verify(errors.signalArguments[0][1].indexOf("no-such-encoding") >= 0)
    }

    function test_closeGivesLostConnection() {
        const [a, b] = connectPair("close.sock")
        const aErrors = spy(a, "error")
        const bErrors = spy(b, "error")
        a.close()
        tryCompare(bErrors, "count", 1)
        compare(bErrors.signalArguments[0][0], 102)
        compare(aErrors.count, 0)
    }

    function test_accessModeAndHandle() {
        const socket = makeSocket("mode.sock")
        compare(socket.accessMode, IPCSocket.UserOnly)
        socket.accessMode = IPCSocket.WorldAccess
        compare(socket.accessMode, IPCSocket.WorldAccess)
        compare(socket.handle, -1)
        verify(socket.listen())
        verify(socket.handle >= 0)
    }
}
