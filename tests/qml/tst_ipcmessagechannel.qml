// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import IPCSocket

TestCase {
    id: testCase
    name: "IPCMessageChannelQml"

    Component { id: socketComponent; IPCSocket {} }
    Component { id: channelComponent; IPCMessageChannel {} }
    Component { id: spyComponent; SignalSpy {} }
    // The form an application writes.
    Component {
        id: receiverComponent
        IPCMessageChannel {
            property var texts: []
            property var binaries: []
            onTextMessageReceived: (message) => texts = texts.concat([message])
            onBinaryMessageReceived: (message) => binaries = binaries.concat([message])
        }
    }

    // Many at a time: messagesReceived() and receiveMessage().
    Component {
        id: batchReceiverComponent
        IPCMessageChannel {
            property var got: []
            property int batches: 0
            onMessagesReceived: {
                ++batches
                while (hasPendingMessages()) {
                    const message = receiveMessage()
                    got = got.concat([message.isText
                                      ? "text:" + message.text
                                      : "binary:" + Array.from(new Uint8Array(message.data))])
                }
            }
        }
    }

    function makeSocket(name) {
        return createTemporaryObject(socketComponent, testCase, { path: socketDir + "/" + name })
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
        verify(b.connect())
        tryCompare(aConnected, "count", 1)
        tryCompare(bConnected, "count", 1)
        return [a, b]
    }

    function test_defaults() {
        const channel = createTemporaryObject(channelComponent, testCase)
        compare(channel.socket, null)
        compare(channel.maximumMessageSize, 64 * 1024 * 1024)
        const errors = spy(channel, "error")
        compare(channel.sendTextMessage("nobody"), -1)
        compare(errors.count, 1)
        compare(errors.signalArguments[0][0], IPCSocket.InvalidStateError)
    }

    function test_textAndBinaryBothWays() {
        const [a, b] = connectPair("messages.sock")
        const channelA = createTemporaryObject(receiverComponent, testCase, { socket: a })
        const channelB = createTemporaryObject(receiverComponent, testCase, { socket: b })
        compare(channelA.socket, a)

        compare(channelA.sendTextMessage("Grüße, 世界"), 15)
        compare(channelA.sendTextMessage(""), 0)
        tryCompare(channelB, "texts", ["Grüße, 世界", ""])

        const bytes = new Uint8Array([0, 1, 2, 255])
        compare(channelB.sendBinaryMessage(bytes.buffer), 4)
        tryVerify(() => channelA.binaries.length === 1)
        const received = new Uint8Array(channelA.binaries[0])
        compare(received.length, 4)
        compare(Array.from(received), [0, 1, 2, 255])
    }

    function test_messagesAtATime() {
        const [a, b] = connectPair("batches.sock")
        const sender = createTemporaryObject(channelComponent, testCase, { socket: a })
        const receiver = createTemporaryObject(batchReceiverComponent, testCase, { socket: b })
        const texts = spy(receiver, "textMessageReceived")
        compare(sender.sendTextMessage("eins"), 4)
        compare(sender.sendBinaryMessage(new Uint8Array([7, 0, 255]).buffer), 3)
        compare(sender.sendTextMessage("drei"), 4)
        tryCompare(receiver, "got", ["text:eins", "binary:7,0,255", "text:drei"])
        verify(receiver.batches >= 1)
        compare(texts.count, 0)
        verify(!receiver.hasPendingMessages())
        compare(receiver.pendingMessageCount(), 0)
        verify(receiver.receiveMessage().isNull)
    }

    function test_protocolErrorClosesTheConnection() {
        const [a, b] = connectPair("bad.sock")
        const channel = createTemporaryObject(receiverComponent, testCase, { socket: a })
        const errors = spy(channel, "error")
        // A well-formed text frame, then a frame of unknown kind 7, written
        // as raw bytes by a socket without a channel.
        b.writeText("\u0001\u0000\u0000\u0000\u0002ok\u0007\u0000\u0000\u0000\u0000", "ISO-8859-1")
        tryCompare(errors, "count", 1)
        compare(channel.texts, ["ok"])
        compare(errors.signalArguments[0][0], IPCSocket.ProtocolError)
        verify(errors.signalArguments[0][1].indexOf(a.path) >= 0)
        compare(a.isConnected, false)
    }

    function test_maximumMessageSize() {
        const [a, b] = connectPair("max.sock")
        const channelA = createTemporaryObject(receiverComponent, testCase, { socket: a })
        const channelB = createTemporaryObject(receiverComponent, testCase, { socket: b })
        const errors = spy(channelB, "error")
        channelB.maximumMessageSize = 3
        compare(channelB.maximumMessageSize, 3)
        channelA.sendTextMessage("abc")
        channelA.sendTextMessage("abcd")
        tryCompare(errors, "count", 1)
        compare(channelB.texts, ["abc"])
        compare(errors.signalArguments[0][0], 110)
    }

    function test_socketDeleted() {
        const socket = createTemporaryObject(socketComponent, testCase)
        const channel = createTemporaryObject(channelComponent, testCase, { socket: socket })
        const changed = spy(channel, "socketChanged")
        socket.destroy()
        tryCompare(channel, "socket", null)
        compare(changed.count, 1)
    }
}
