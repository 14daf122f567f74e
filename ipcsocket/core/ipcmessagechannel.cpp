// SPDX-License-Identifier: BSD-3-Clause
#include "ipcmessagechannel.h"
#include "ipcmessagechannel_p.h"

#include <QtCore/qendian.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qstringconverter.h>

#include <utility>

// ---------------------------------------------------------------------------
// IPCMessageChannelPrivate

void IPCMessageChannelPrivate::attach(IPCSocket *newSocket)
{
    Q_Q(IPCMessageChannel);
    socket = newSocket;
    if (!newSocket)
        return;
    QObject::connect(newSocket, &QIODevice::readyRead, q, [this] { readFrames(); });
    // IPCSocket emits it after the last bytes were announced and before its
    // 102: the moment to tell a clean end from one inside a frame.
    QObject::connect(newSocket, &QIODevice::readChannelFinished, q,
                     [this] { onReadChannelFinished(); });
    // Every end of a connection's stream passes QIODevice::close(): by
    // close(), and when a new connection replaces an ended one.
    QObject::connect(newSocket, &QIODevice::aboutToClose, q, [this] { resetReader(); });
    QObject::connect(newSocket, &QObject::destroyed, q, [this] { onSocketDestroyed(); });
    // Bytes already there are read from the event loop, so that receivers
    // connected after setSocket() get their messages too.
    if (newSocket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(
                q, [this] { readFrames(); }, Qt::QueuedConnection);
}

void IPCMessageChannelPrivate::detach()
{
    Q_Q(IPCMessageChannel);
    if (socket)
        QObject::disconnect(socket, nullptr, q, nullptr);
    socket = nullptr;
    resetReader();
}

void IPCMessageChannelPrivate::onSocketDestroyed()
{
    Q_Q(IPCMessageChannel);
    socket = nullptr;
    resetReader();
    emit q->socketChanged(nullptr);
}

void IPCMessageChannelPrivate::resetReader()
{
    headerFilled = 0;
    payload = QByteArray();
    payloadFilled = 0;
    ++generation;
}

void IPCMessageChannelPrivate::readFrames()
{
    Q_Q(IPCMessageChannel);
    const QPointer<IPCMessageChannel> guard(q);
    const QPointer<IPCSocket> reading = socket;
    const quint64 stream = generation;
    // A receiver may delete the channel or the socket, close the socket or
    // set another one; then this stream is no longer ours to read.
    const auto stillOurs
            = [&] { return guard && reading && socket == reading && generation == stream; };

    // Only what has arrived is read: a large message fills its payload
    // over many calls, and the event loop runs between them.
    while (reading && reading->bytesAvailable() > 0) {
        if (headerFilled < HeaderSize) {
            const qint64 n = reading->read(header + headerFilled, HeaderSize - headerFilled);
            // The socket's bytesAvailableChanged() receivers ran inside read().
            if (n <= 0 || !stillOurs())
                return;
            headerFilled += int(n);
            if (!checkHeader())
                return;
            if (headerFilled < HeaderSize)
                continue;
            // The length has been checked: this is the one allocation.
            payload = QByteArray(qsizetype(qFromBigEndian<quint32>(header + 1)), Qt::Uninitialized);
            payloadFilled = 0;
        }
        if (payloadFilled < payload.size()) {
            // Straight from the socket's buffer into the message.
            const qint64 n
                    = reading->read(payload.data() + payloadFilled, payload.size() - payloadFilled);
            if (n <= 0 || !stillOurs())
                return;
            payloadFilled += qsizetype(n);
            if (payloadFilled < payload.size())
                continue;
        }
        if (!deliver() || !stillOurs())
            return;
    }
}

bool IPCMessageChannelPrivate::checkHeader()
{
    // The kind is checked as soon as it is there, not only once the length
    // has come: a peer that sends one wrong byte hears of it at once.
    const auto kind = quint8(header[0]);
    if (headerFilled >= 1 && kind != Text && kind != Binary) {
        failProtocol(QStringLiteral("unknown message kind 0x%1 (0x01 is text, 0x02 binary)")
                             .arg(kind, 2, 16, QLatin1Char('0')));
        return false;
    }
    if (headerFilled < HeaderSize)
        return true;
    const quint32 length = qFromBigEndian<quint32>(header + 1);
    if (qint64(length) > maximumMessageSize) {
        failProtocol(QStringLiteral("a message of %1 bytes was announced, more than the "
                                    "maximumMessageSize of %2 bytes")
                             .arg(length)
                             .arg(maximumMessageSize));
        return false;
    }
    return true;
}

bool IPCMessageChannelPrivate::deliver()
{
    Q_Q(IPCMessageChannel);
    const auto kind = Kind(header[0]);
    QByteArray message = std::exchange(payload, QByteArray());
    headerFilled = 0;
    payloadFilled = 0;
    if (kind == Binary) {
        emit q->binaryMessageReceived(message);
        return true;
    }
    // Strict: any invalid sequence is an error, not a replacement
    // character. A leading U+FEFF is part of the text, not a byte-order mark.
    QStringDecoder decoder(QStringConverter::Utf8,
                           QStringConverter::Flag::Stateless
                                   | QStringConverter::Flag::ConvertInitialBom);
    const QString text = decoder(message);
    if (decoder.hasError()) {
        failProtocol(QStringLiteral("a text message of %1 bytes is not valid UTF-8")
                             .arg(message.size()));
        return false;
    }
    message = QByteArray(); // not kept alive next to its text while receivers run
    emit q->textMessageReceived(text);
    return true;
}

void IPCMessageChannelPrivate::onReadChannelFinished()
{
    Q_Q(IPCMessageChannel);
    const QPointer<IPCMessageChannel> guard(q);
    const QPointer<IPCSocket> reading = socket;
    readFrames();
    if (!guard || !reading || socket != reading || headerFilled == 0)
        return;
    const QString cause
            = headerFilled < HeaderSize
                      ? QStringLiteral(
                                "the connection ended inside the header of a message (%1 of %2 "
                                "bytes had arrived)")
                                .arg(headerFilled)
                                .arg(HeaderSize)
                      : QStringLiteral("the connection ended inside a message of %1 bytes (%2 had "
                                       "arrived)")
                                .arg(payload.size())
                                .arg(payloadFilled);
    const QString message = QStringLiteral("Protocol error on '%1': %2; the message is dropped")
                                    .arg(reading->path(), cause);
    resetReader();
    // The connection has ended already: the socket's own 102 follows.
    emit q->error(IPCSocket::ProtocolError, message);
}

void IPCMessageChannelPrivate::failProtocol(const QString &cause)
{
    Q_Q(IPCMessageChannel);
    const QPointer<IPCMessageChannel> guard(q);
    const QPointer<IPCSocket> closing = socket;
    const QString message = QStringLiteral("Protocol error on '%1': %2; the connection is closed")
                                    .arg(closing ? closing->path() : QString(), cause);
    resetReader();
    // Closed before the error is reported, so that a receiver that
    // reconnects the socket is not undone by a close() after it.
    if (closing)
        closing->close();
    if (guard)
        emit q->error(IPCSocket::ProtocolError, message);
}

void IPCMessageChannelPrivate::writeHeader(char *out, Kind kind, quint32 length)
{
    out[0] = char(kind);
    qToBigEndian<quint32>(length, out + 1);
}

bool IPCMessageChannelPrivate::checkHasSocket()
{
    Q_Q(IPCMessageChannel);
    if (socket)
        return true;
    emit q->error(IPCSocket::InvalidStateError,
                  QStringLiteral("Cannot send a message: the channel has no socket"));
    return false;
}

qint64 IPCMessageChannelPrivate::send(Kind kind, const QByteArray &payload)
{
    Q_Q(IPCMessageChannel);
    if (!checkHasSocket())
        return -1;
    if (payload.size() > MaximumFrameLength) {
        emit q->error(IPCSocket::ProtocolError,
                      QStringLiteral("Cannot send a message of %1 bytes on '%2': a frame carries "
                                     "at most %3 bytes")
                              .arg(payload.size())
                              .arg(socket->path())
                              .arg(MaximumFrameLength));
        return -1;
    }
    char header[HeaderSize];
    writeHeader(header, kind, quint32(payload.size()));
    // The socket's write() reports its own errors (106 when not connected,
    // 102 when the peer has gone), and its receivers may delete anything.
    const QPointer<IPCSocket> target = socket;
    if (payload.size() <= CoalesceLimit) {
        QByteArray frame;
        frame.reserve(HeaderSize + payload.size());
        frame.append(header, HeaderSize).append(payload);
        return target->write(frame) < 0 ? -1 : payload.size();
    }
    // IPCSocket queues writes in order: two writes make one frame.
    if (target->write(header, HeaderSize) < 0 || !target || target->write(payload) < 0)
        return -1;
    return payload.size();
}

// ---------------------------------------------------------------------------
// IPCMessageChannel

IPCMessageChannel::IPCMessageChannel(IPCSocket *socket, QObject *parent)
    : QObject(parent), d(new IPCMessageChannelPrivate(this))
{
    d->attach(socket);
}

IPCMessageChannel::~IPCMessageChannel()
{
    if (d->socket)
        QObject::disconnect(d->socket, nullptr, this, nullptr);
}

IPCSocket *IPCMessageChannel::socket() const
{
    return d->socket;
}

void IPCMessageChannel::setSocket(IPCSocket *socket)
{
    if (d->socket == socket)
        return;
    d->detach();
    d->attach(socket);
    emit socketChanged(socket);
}

qint64 IPCMessageChannel::maximumMessageSize() const
{
    return d->maximumMessageSize;
}

void IPCMessageChannel::setMaximumMessageSize(qint64 size)
{
    size = qMax<qint64>(size, 0);
    if (d->maximumMessageSize == size)
        return;
    // Applies from the next frame on: one being read was accepted already.
    d->maximumMessageSize = size;
    emit maximumMessageSizeChanged(size);
}

qint64 IPCMessageChannel::sendTextMessage(const QString &message)
{
    using Private = IPCMessageChannelPrivate;
    if (!d->checkHasSocket())
        return -1;
    QStringEncoder encoder(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    const qsizetype most = encoder.requiredSpace(message.size());
    if (most > Private::CoalesceLimit)
        return d->send(Private::Text, message.toUtf8());
    // A short text is encoded right behind its header: one buffer, one write.
    QByteArray frame(Private::HeaderSize + most, Qt::Uninitialized);
    char *const payload = frame.data() + Private::HeaderSize;
    const qsizetype length = encoder.appendToBuffer(payload, message) - payload;
    frame.truncate(Private::HeaderSize + length);
    Private::writeHeader(frame.data(), Private::Text, quint32(length));
    return d->socket->write(frame) < 0 ? -1 : length;
}

qint64 IPCMessageChannel::sendBinaryMessage(const QByteArray &message)
{
    return d->send(IPCMessageChannelPrivate::Binary, message);
}
