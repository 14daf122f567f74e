// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCMESSAGECHANNEL_H
#define IPCMESSAGECHANNEL_H

#include <ipcmessage.h>
#include <ipcsocket.h>
#include <ipcsocket_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/qstring.h>

#include <memory>

class IPCMessageChannelPrivate;

// Whole messages over an IPCSocket, with QWebSocket's names: each message
// goes as one frame of 1 byte kind (0x01 UTF-8 text, 0x02 binary), 4 bytes
// of payload length (unsigned, big-endian) and the payload.
//
// Messages come one a signal (textMessageReceived(), binaryMessageReceived()),
// or, while something is connected to messagesReceived(), many at a time:
// then each read's whole messages wait in the channel, messagesReceived()
// is emitted once (every 64 messages or 64 KiB), and receiveMessage() takes
// them, as QUdpSocket's receiveDatagram() does (no signal a message: what
// many small ones cost).
class IPCSOCKET_EXPORT IPCMessageChannel : public QObject
{
    Q_OBJECT
    Q_PROPERTY(IPCSocket *socket READ socket WRITE setSocket NOTIFY socketChanged)
    Q_PROPERTY(qint64 maximumMessageSize READ maximumMessageSize WRITE setMaximumMessageSize NOTIFY
                       maximumMessageSizeChanged)

public:
    // The default maximumMessageSize: 64 MiB.
    static constexpr qint64 DefaultMaximumMessageSize = 64 * 1024 * 1024;

    explicit IPCMessageChannel(IPCSocket *socket = nullptr, QObject *parent = nullptr);
    ~IPCMessageChannel() override;

    // The socket is not owned; it may be deleted while the channel uses it.
    IPCSocket *socket() const;
    void setSocket(IPCSocket *socket);

    qint64 maximumMessageSize() const;
    void setMaximumMessageSize(qint64 size);

    // The payload bytes accepted (the UTF-8 bytes of a text), or -1.
    Q_INVOKABLE qint64 sendTextMessage(const QString &message);
    Q_INVOKABLE qint64 sendBinaryMessage(const QByteArray &message);

    // Messages waiting for receiveMessage() (see messagesReceived()). They
    // stay when the connection ends; setSocket() drops them.
    Q_INVOKABLE bool hasPendingMessages() const;
    Q_INVOKABLE qsizetype pendingMessageCount() const;
    // The oldest waiting message, or a null one if none is waiting.
    Q_INVOKABLE IPCMessage receiveMessage();

Q_SIGNALS:
    void textMessageReceived(const QString &message);
    void binaryMessageReceived(const QByteArray &message);
    // Whole messages arrived and wait for receiveMessage(): emitted once a
    // read (for every 64 messages or 64 KiB of a long one). While it has a
    // receiver, the two signals above are not emitted.
    void messagesReceived();
    void error(int errorNumber, const QString &message);

    void socketChanged(IPCSocket *socket);
    void maximumMessageSizeChanged(qint64 size);

private:
    Q_DISABLE_COPY_MOVE(IPCMessageChannel)
    const std::unique_ptr<IPCMessageChannelPrivate> d;
    friend class IPCMessageChannelPrivate;
};

#endif // IPCMESSAGECHANNEL_H
