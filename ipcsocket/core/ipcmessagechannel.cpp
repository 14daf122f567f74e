// SPDX-License-Identifier: BSD-3-Clause
#include "ipcmessagechannel.h"
#include "ipcmessagechannel_p.h"
#include "ipcsocket_p.h"

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
    clearPending();
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
    reader.reset();
    ++generation;
}

void IPCMessageChannelPrivate::readFrames()
{
    Q_Q(IPCMessageChannel);
    static const QMetaMethod batchSignal
            = QMetaMethod::fromSignal(&IPCMessageChannel::messagesReceived);
    if (q->isSignalConnected(batchSignal)) {
        readBatch();
        return;
    }
    if (!socket)
        return;
    const ReadPass pass(this);
    // Messages left waiting by a receiver of messagesReceived() that has
    // gone come first, as signals: in order with what follows.
    if (!deliverPending(pass))
        return;
    // Only what has arrived is read: a large message fills its payload
    // over many calls, and the event loop runs between them. Whether the
    // stream is still ours is asked after whatever may have run receivers,
    // not on every turn: with many small messages a turn costs little else.
    for (;;) {
        switch (reader.state()) {
        case IPCMessageFrameReader::State::Message:
            if (!deliver() || !pass.stillOurs())
                return;
            continue;
        case IPCMessageFrameReader::State::Invalid:
            failProtocol(reader.errorCause());
            return;
        case IPCMessageFrameReader::State::NeedMore:
            break;
        }
        // Every whole frame of what one read brought, parsed where it lies
        // (taken before its message is delivered: the receivers may read).
        if (const QByteArrayView buffered = pass.device->readBuffer(); !buffered.isEmpty()) {
            pass.device->consume(reader.feed(buffered.data(), buffered.size()));
            if (!pass.announceRead())
                return;
            continue;
        }
        if (!readIntoReader(pass))
            return;
    }
}

IPCMessageChannelPrivate::ReadPass::ReadPass(IPCMessageChannelPrivate *channel)
    : channel(channel), guard(channel->q_ptr), stream(channel->generation),
      reading(channel->socket), device(IPCSocketPrivate::get(reading)),
      announce(device->isBytesAvailableWatched())
{ }

bool IPCMessageChannelPrivate::ReadPass::announceRead() const
{
    if (!announce)
        return true;
    emit reading->bytesAvailableChanged();
    return stillOurs();
}

bool IPCMessageChannelPrivate::readIntoReader(const ReadPass &pass)
{
    if (pass.reading->bytesAvailable() <= 0)
        return false;
    // The rest of a large payload comes straight from the system into the
    // message; a header through the socket's own buffer. read() announces
    // what it took: the reader is touched only if the stream is still ours.
    qsizetype room = 0;
    if (char *space = reader.payloadSpace(&room)) {
        const qint64 n = pass.reading->read(space, room);
        if (n <= 0 || !pass.stillOurs())
            return false;
        reader.payloadWritten(qsizetype(n));
    } else {
        char header[HeaderSize];
        const qint64 n = pass.reading->read(header, reader.headerBytesWanted());
        if (n <= 0 || !pass.stillOurs())
            return false;
        reader.feed(header, qsizetype(n));
    }
    return true;
}

bool IPCMessageChannelPrivate::deliver()
{
    Q_Q(IPCMessageChannel);
    const Kind kind = reader.kind();
    QByteArray message = reader.takePayload();
    if (kind == Binary) {
        emit q->binaryMessageReceived(message);
        return true;
    }
    const std::optional<QString> text = IPCMessageFrameReader::decodeText(message);
    if (!text) {
        reader.fail(QStringLiteral("a text message of %1 bytes is not valid UTF-8")
                            .arg(message.size()));
        failProtocol(reader.errorCause());
        return false;
    }
    message = QByteArray(); // not kept alive next to its text while receivers run
    emit q->textMessageReceived(*text);
    return true;
}

void IPCMessageChannelPrivate::readBatch()
{
    Q_Q(IPCMessageChannel);
    if (!socket)
        return;
    const ReadPass pass(this);
    // Messages and their bytes queued since messagesReceived() was last
    // emitted.
    qsizetype group = 0;
    qsizetype groupBytes = 0;
    const auto groupFull = [&] { return group >= GroupSize || groupBytes >= GroupBytes; };
    // Why the stream cannot go on, once it cannot.
    QString invalid;
    const auto queue = [&](Kind kind, QByteArray payload) {
        const qsizetype size = payload.size();
        if (!queueMessage(kind, std::move(payload), &invalid))
            return false;
        ++group;
        groupBytes += size;
        return true;
    };
    // After the reader took bytes: whether to read on.
    const auto take = [&] {
        switch (reader.state()) {
        case IPCMessageFrameReader::State::Message:
            return queue(reader.kind(), reader.takePayload());
        case IPCMessageFrameReader::State::Invalid:
            invalid = reader.errorCause();
            return false;
        case IPCMessageFrameReader::State::NeedMore:
            return true;
        }
        return true;
    };

    // No receiver runs between the frames of a group (but those of
    // bytesAvailableChanged()): they are parsed in one go and taken from the
    // socket at once. A group is at most GroupSize messages or GroupBytes,
    // so that a receiver takes them while they are still in the processor's
    // cache: a whole read of small messages held at once costs more than
    // the signals it saves, and large ones held wait for their memory.
    bool going = take();
    while (going) {
        if (groupFull()) {
            group = 0;
            groupBytes = 0;
            emit q->messagesReceived();
            if (!pass.stillOurs())
                return;
        }
        if (const QByteArrayView buffered = pass.device->readBuffer(); !buffered.isEmpty()) {
            const char *const data = buffered.data();
            const qsizetype size = buffered.size();
            qsizetype taken = 0;
            while (going && taken < size && !groupFull()) {
                // Whole frames straight from the buffer, the rest by feed().
                taken += reader.takeWholeFrames(data + taken, size - taken, GroupSize - group,
                                                [&](Kind kind, QByteArray payload) {
                                                    return queue(kind, std::move(payload))
                                                           && !groupFull();
                                                });
                going = invalid.isEmpty();
                if (!going || taken == size || groupFull())
                    break;
                taken += reader.feed(data + taken, size - taken);
                going = take();
            }
            pass.device->consume(taken);
            // When the stream is no longer ours, the messages taken from it
            // are still told of (below).
            if (!pass.announceRead())
                break;
            continue;
        }
        if (!readIntoReader(pass))
            break;
        going = take();
    }

    // The messages before a bad frame are told of before its error.
    if (group > 0 && pass.guard && hasPending())
        emit q->messagesReceived();
    if (!invalid.isEmpty() && pass.stillOurs())
        failProtocol(invalid);
}

bool IPCMessageChannelPrivate::queueMessage(Kind kind, QByteArray payload, QString *cause)
{
    if (kind == Binary) {
        appendPending(std::move(payload));
        return true;
    }
    std::optional<QString> text = IPCMessageFrameReader::decodeText(payload);
    if (!text) {
        // The reader stops too: a pass that runs inside a receiver of the
        // messages before it (a nested event loop) reads nothing behind it.
        reader.fail(QStringLiteral("a text message of %1 bytes is not valid UTF-8")
                            .arg(payload.size()));
        *cause = reader.errorCause();
        return false;
    }
    appendPending(*std::move(text));
    return true;
}

bool IPCMessageChannelPrivate::deliverPending(const ReadPass &pass)
{
    Q_Q(IPCMessageChannel);
    while (hasPending()) {
        IPCMessage message = std::move(pending[pendingFront++]);
        if (!hasPending())
            clearPending();
        if (message.isText())
            emit q->textMessageReceived(std::move(message).text());
        else
            emit q->binaryMessageReceived(std::move(message).data());
        if (!pass.stillOurs())
            return false;
    }
    return true;
}

void IPCMessageChannelPrivate::onReadChannelFinished()
{
    Q_Q(IPCMessageChannel);
    const QPointer<IPCMessageChannel> guard(q);
    const QPointer<IPCSocket> reading = socket;
    const quint64 stream = generation;
    readFrames();
    // A receiver may have started another stream meanwhile (a new
    // connection of the same socket): its frame is not this one's cut.
    if (!guard || !reading || generation != stream || !reader.isInsideFrame())
        return;
    const QString message = QStringLiteral("Protocol error on '%1': %2; the message is dropped")
                                    .arg(reading->path(), reader.describeCut());
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
    IPCMessageFrameReader::writeHeader(header, kind, quint32(payload.size()));
    // One write, the payload by reference. The socket reports its own
    // errors (106 when not connected, 102 when the peer has gone).
    if (IPCSocketPrivate::get(socket)->writeFrame(header, HeaderSize, payload) < 0)
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
    d->reader.setMaximumSize(size);
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
    IPCMessageFrameReader::writeHeader(frame.data(), Private::Text, quint32(length));
    return d->socket->write(frame) < 0 ? -1 : length;
}

qint64 IPCMessageChannel::sendBinaryMessage(const QByteArray &message)
{
    return d->send(IPCMessageChannelPrivate::Binary, message);
}

bool IPCMessageChannel::hasPendingMessages() const
{
    return d->hasPending();
}

qsizetype IPCMessageChannel::pendingMessageCount() const
{
    return qsizetype(d->pending.size() - d->pendingFront);
}

IPCMessage IPCMessageChannel::receiveMessage()
{
    if (!d->hasPending())
        return IPCMessage();
    IPCMessage message = std::move(d->pending[d->pendingFront++]);
    if (!d->hasPending())
        d->clearPending();
    return message;
}
