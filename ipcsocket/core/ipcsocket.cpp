// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocket.h"
#include "ipcsocket_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsocketlistener_p.h"
#include "ipcsocketplatform_p.h"
#include "ipcsockettext_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qtimer.h>

#include <limits>
#include <optional>

// ---------------------------------------------------------------------------
// IPCSocketPrivate

IPCSocketPrivate::State IPCSocketPrivate::state() const
{
    Q_Q(const IPCSocket);
    return {q->isConnected(), waitingForListener, q->isListening(), q->handle(), peer};
}

void IPCSocketPrivate::notifyChanges()
{
    Q_Q(IPCSocket);
    const State before = std::exchange(notified, state());
    if (notified.handle != before.handle)
        emit q->handleChanged();
    if (notified.connected != before.connected)
        emit q->isConnectedChanged(notified.connected);
    if (notified.connecting != before.connecting)
        emit q->isConnectingChanged(notified.connecting);
    if (notified.listening != before.listening)
        emit q->isListeningChanged(notified.listening);
    if (notified.peer.processId != before.peer.processId
        || notified.peer.userId != before.peer.userId
        || notified.peer.groupId != before.peer.groupId)
        emit q->peerIdentityChanged();
}

void IPCSocketPrivate::fail(const IPCSocketFailure &failure)
{
    Q_Q(IPCSocket);
    q->setErrorString(failure.message);
    const bool changed = lastErrorCode != failure.code;
    lastErrorCode = failure.code;
    if (changed)
        emit q->lastErrorCodeChanged(lastErrorCode);
    emit q->error(failure.code, failure.message);
}

std::optional<QStringConverter::Encoding> IPCSocketPrivate::encodingNamed(const QString &name,
                                                                          const char *action)
{
    const auto encoding = QStringConverter::encodingForName(name.toLatin1().constData());
    if (!encoding)
        fail(IPCSocketPath::failure(IPCSocket::InvalidStateError, action, path,
                                    QStringLiteral("unknown text encoding '%1'").arg(name)));
    return encoding;
}

bool IPCSocketPrivate::checkCanStart(const char *action)
{
    Q_Q(IPCSocket);
    QString cause;
    if (q->isConnected())
        cause = QStringLiteral("the socket is already connected; close() it first");
    else if (q->isListening())
        cause = QStringLiteral("the socket is already listening; close() it first");
    else if (waitingForListener)
        cause = QStringLiteral("the socket is already waiting for a listener; close() it first");
    else if (const qint64 unread = q->bytesAvailable(); unread > 0)
        cause = QStringLiteral("%1 unread bytes of the previous connection remain; read them or "
                               "close() first")
                        .arg(unread);
    if (cause.isEmpty())
        return true;
    fail(IPCSocketPath::failure(IPCSocket::InvalidStateError, action, path, cause));
    return false;
}

void IPCSocketPrivate::attach(IPCSocketTransport *connection)
{
    Q_Q(IPCSocket);
    if (transport)
        transport->close(false); // an ended connection whose bytes were all read
    transport = connection;
    connection->setParent(q);
    peer = connection->peer();

    QObject::connect(connection, &IPCSocketTransport::readyRead, q, [this] { onReadyRead(); });
    QObject::connect(connection, &IPCSocketTransport::bytesWritten, q, [this](qint64 bytes) {
        Q_Q(IPCSocket);
        emit q->bytesWritten(bytes);
        notifyBytesLeftToSend();
    });
    QObject::connect(connection, &IPCSocketTransport::ended, q,
                     [this](const QString &cause) { onConnectionLost(cause); });
    writeReceiversChanged = true; // a new transport has not been told yet
    updateReportsWrites();

    if (q->isOpen())
        q->QIODevice::close();
    q->QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void IPCSocketPrivate::takePeer(IPCSocketTransport *connection)
{
    Q_Q(IPCSocket);
    attach(connection);
    QPointer<IPCSocket> guard(q);
    notifyChanges();
    if (guard)
        emit q->connected();
}

bool IPCSocketPrivate::tryConnect(bool first)
{
    Q_Q(IPCSocket);
    IPCSocketFailure failure;
    QPointer<IPCSocket> guard(q);
    if (IPCSocketTransport *socket = IPCSocketPlatform::connectToPath(path, q, &failure)) {
        stopWaitingForListener();
        attach(socket);
        // connected() comes from the event loop (or poll()), as on the
        // listening side, so that it can be connected to after connect().
        connectedPending = true;
        QMetaObject::invokeMethod(
                q, [this] { deliverConnected(); }, Qt::QueuedConnection);
        notifyChanges();
        return true;
    }
    if (first) {
        // A missing or unusable folder is the path's fault, not a listener
        // that is not there yet: it ends a first attempt at once, with its
        // own error and nothing else changed, as a bad spelling does.
        if (const IPCSocketFailure folder = IPCSocketPath::checkFolder(path, "connect to");
            folder.isFailure()) {
            fail(folder);
            return false;
        }
        peer = {}; // the last connection's (attach() sets the new one's)
    }
    const bool nobodyListens = failure.code == IPCSocket::NameResolutionError;
    if (nobodyListens && connectTimeout > 0 && first) {
        connectDeadline.setRemainingTime(connectTimeout);
        connectRetryInterval = 0;
        waitingForListener = true;
    } else if (!nobodyListens || !waitingForListener || connectDeadline.hasExpired()) {
        if (waitingForListener)
            failure.message += QStringLiteral("; waited for %1 ms").arg(connectTimeout);
        stopWaitingForListener();
        notifyChanges();
        if (guard)
            fail(failure);
        return false;
    }
    // Soon at first (the listener is often a moment away), then less
    // often: a timer, never a spin.
    connectRetryInterval = qBound(5, connectRetryInterval * 2, 100);
    const int wait = int(qMin<qint64>(connectRetryInterval, connectDeadline.remainingTime()));
    nextConnectAttempt.setRemainingTime(wait);
    if (!connectRetry) {
        connectRetry = new QTimer(q);
        connectRetry->setSingleShot(true);
        QObject::connect(connectRetry, &QTimer::timeout, q, [this] { tryConnect(false); });
    }
    connectRetry->start(wait);
    notifyChanges();
    return true;
}

void IPCSocketPrivate::stopWaitingForListener()
{
    waitingForListener = false;
    if (connectRetry)
        connectRetry->stop();
}

void IPCSocketPrivate::deliverConnected()
{
    Q_Q(IPCSocket);
    if (!std::exchange(connectedPending, false))
        return;
    emit q->connected();
}

void IPCSocketPrivate::onReadyRead()
{
    Q_Q(IPCSocket);
    QPointer<IPCSocket> guard(q);
    deliverConnected();
    if (!guard || !transport)
        return;
    emit q->readyRead();
    if (!guard)
        return;
    emit q->dataAvailable();
    if (!guard)
        return;
    emit q->bytesAvailableChanged();
}

void IPCSocketPrivate::onConnectionLost(const QString &cause)
{
    Q_Q(IPCSocket);
    QPointer<IPCSocket> guard(q);
    const QPointer<IPCSocketTransport> ended = transport;
    // Each step may run user code that closes or reuses this socket.
    const auto stillOurs = [&] { return guard && transport == ended && ended && q->isOpen(); };

    if (listener && !listener->isListening())
        listener->stop(); // the lock's descriptor that waited for the end
    deliverConnected();
    if (!stillOurs())
        return;
    notifyBytesLeftToSend();
    if (!stillOurs())
        return;
    notifyChanges();
    if (!stillOurs())
        return;
    // 102 never overtakes data: the transport has announced every byte
    // before it ended (see IPCSocketTransport::ended()).
    emit q->readChannelFinished();
    if (!stillOurs())
        return;
    fail({IPCSocket::LostConnection,
          QStringLiteral("The connection on '%1' was lost: %2").arg(path, cause)});
}

void IPCSocketPrivate::detach()
{
    Q_Q(IPCSocket);
    stopWaitingForListener();
    if (listener)
        listener->stop();
    if (IPCSocketTransport *connection = transport) {
        transport = nullptr;
        QObject::disconnect(connection, nullptr, q, nullptr);
        lingering.removeAll(nullptr);
        lingering.append(connection);
        connection->close(true);
    }
    connectedPending = false;
}

namespace {

// The signals whose receivers want writes reported by the event loop.
const QMetaMethod &bytesWrittenSignal()
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&QIODevice::bytesWritten);
    return signal;
}

const QMetaMethod &bytesLeftToSendSignal()
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&IPCSocket::bytesLeftToSendChanged);
    return signal;
}

} // namespace

bool IPCSocketPrivate::isWriteReport(const QMetaMethod &signal)
{
    return !signal.isValid() || signal == bytesWrittenSignal() || signal == bytesLeftToSendSignal();
}

void IPCSocketPrivate::updateReportsWrites()
{
    // On the hot path: one relaxed load when nothing changed.
    if (!writeReceiversChanged.load(std::memory_order_relaxed)
        || !writeReceiversChanged.exchange(false))
        return;
    Q_Q(IPCSocket);
    const bool written = q->isSignalConnected(bytesWrittenSignal());
    const bool wasWatched
            = std::exchange(bytesLeftToSendWatched, q->isSignalConnected(bytesLeftToSendSignal()));
    // A new receiver hears of changes from now on, not of older ones.
    if (bytesLeftToSendWatched && !wasWatched)
        bytesLeftToSendNotified = q->bytesLeftToSend();
    if (transport)
        transport->setReportsWrites(written || bytesLeftToSendWatched);
}

void IPCSocketPrivate::notifyBytesLeftToSend()
{
    // On the hot path: nothing to do when nobody listens (collected writes
    // change the count on every write), nor when it did not change.
    updateReportsWrites();
    if (!bytesLeftToSendWatched)
        return;
    Q_Q(IPCSocket);
    const qint64 now = q->bytesLeftToSend();
    if (std::exchange(bytesLeftToSendNotified, now) != now)
        emit q->bytesLeftToSendChanged();
}

qint64 IPCSocketPrivate::writeFrame(const char *head, qsizetype headSize, const QByteArray &payload)
{
    // Every write() passes here: the transport is looked up once, and the
    // failures are out of the way.
    IPCSocketTransport *const connection = transport.data();
    if (Q_UNLIKELY(!connection || !connection->isConnected()))
        return failWrite(IPCSocket::InvalidStateError);
    updateReportsWrites();
    const qint64 written = payload.isEmpty() ? connection->write(head, headSize)
                                             : connection->writeFrame(head, headSize, payload);
    if (Q_UNLIKELY(written < 0))
        return failWrite(IPCSocket::OpenDriverError);
    if (bytesLeftToSendWatched)
        notifyBytesLeftToSend();
    return written;
}

qint64 IPCSocketPrivate::failWrite(int code)
{
    Q_Q(IPCSocket);
    QString cause;
    if (code == IPCSocket::OpenDriverError)
        cause = QStringLiteral("the connection refused the bytes");
    else if (q->isOpen())
        cause = QStringLiteral("not connected (the connection was lost)");
    else
        cause = QStringLiteral("not connected");
    fail(IPCSocketPath::failure(code, "write to", path, cause));
    return -1;
}

QByteArrayView IPCSocketPrivate::readBuffer() const
{
    Q_Q(const IPCSocket);
    // Bytes in QIODevice's own buffer (after a peek() or ungetChar()) come
    // first: then only read() gives them in order.
    if (!transport || q->QIODevice::bytesAvailable() > 0)
        return {};
    return transport->buffered();
}

bool IPCSocketPrivate::isBytesAvailableWatched() const
{
    Q_Q(const IPCSocket);
    static const QMetaMethod signal = QMetaMethod::fromSignal(&IPCSocket::bytesAvailableChanged);
    return q->isSignalConnected(signal);
}

void IPCSocketPrivate::consume(qsizetype bytes)
{
    transport->consume(bytes);
}

qint64 IPCSocketPrivate::bufferedBytes() const
{
    return transport ? transport->bytesAvailable() : 0;
}

bool IPCSocketPrivate::streamEnded() const
{
    return !transport || !transport->isConnected();
}

QString IPCSocketPrivate::readText(qint64 byteCount, QStringConverter::Encoding encoding,
                                   bool consume)
{
    Q_Q(IPCSocket);
    const qint64 available = q->bytesAvailable();
    // A count beyond what is there reads what is there: bounded first, so
    // that a count past qsizetype (32-bit platforms) cannot wrap into a
    // small one, nor one near qint64's end overflow below. What is there
    // is held in memory (and a socket buffer of the system's): within
    // qsizetype, bounded by it all the same.
    const qint64 wanted = qMax<qint64>(0, qMin(byteCount, available));
    const qsizetype count = qsizetype(qMin<qint64>(wanted, std::numeric_limits<qsizetype>::max()));
    const QByteArray front
            = lookahead(qMin(available, qint64(count) + IPCSocketText::MaximumCharacterBytes));
    const qsizetype take = IPCSocketText::bytesToTake(encoding, front, count,
                                                      streamEnded() && front.size() == available);
    if (take == 0)
        return {};
    // Every call decodes whole characters, and a partial one at the end of
    // the stream must come out as a replacement character.
    if (!consume)
        return IPCSocketText::decode(encoding, QByteArrayView(front).first(take));
    return IPCSocketText::decode(encoding, q->QIODevice::read(take));
}

QByteArray IPCSocketPrivate::lookahead(qint64 maxSize) const
{
    // Copied from where the bytes are, without moving them: a peek() would
    // move them into QIODevice's own buffer, and the reads that follow
    // would not pass readData() (nor report bytesAvailableChanged()).
    Q_Q(const IPCSocket);
    auto *device = const_cast<IPCSocket *>(q);
    QByteArray bytes = device->QIODevice::peek(qMin(maxSize, device->QIODevice::bytesAvailable()));
    if (transport && bytes.size() < maxSize)
        bytes += transport->peek(maxSize - bytes.size());
    return bytes;
}

// ---------------------------------------------------------------------------
// IPCSocket

IPCSocket::IPCSocket(QObject *parent) : QIODevice(parent), d(new IPCSocketPrivate(this)) { }

IPCSocket::~IPCSocket()
{
    // Nothing is reported from a dying object, but bytes that write()
    // accepted are still sent.
    QSignalBlocker blocker(this);
    d->detach();
}

QString IPCSocket::path() const
{
    return d->path;
}

void IPCSocket::setPath(const QString &path)
{
    if (d->path == path)
        return;
    d->path = path;
    emit pathChanged(path);
}

IPCSocket::AccessMode IPCSocket::accessMode() const
{
    return d->accessMode;
}

void IPCSocket::setAccessMode(AccessMode mode)
{
    if (d->accessMode == mode)
        return;
    d->accessMode = mode;
    emit accessModeChanged(mode);
}

qint64 IPCSocket::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + d->bufferedBytes();
}

qint64 IPCSocket::bytesLeftToSend() const
{
    return d->transport ? d->transport->bytesToWrite() : 0;
}

qint64 IPCSocket::bytesToWrite() const
{
    return bytesLeftToSend();
}

qintptr IPCSocket::handle() const
{
    if (d->transport && d->transport->isConnected())
        return d->transport->descriptor();
    if (d->listener && d->listener->isListening())
        return d->listener->handle();
    return -1;
}

bool IPCSocket::isConnected() const
{
    return d->transport && d->transport->isConnected();
}

bool IPCSocket::isConnecting() const
{
    return d->waitingForListener;
}

bool IPCSocket::isListening() const
{
    return d->listener && d->listener->isListening();
}

int IPCSocket::lastErrorCode() const
{
    return d->lastErrorCode;
}

int IPCSocket::connectTimeout() const
{
    return d->connectTimeout;
}

void IPCSocket::setConnectTimeout(int milliseconds)
{
    milliseconds = qMax(milliseconds, 0);
    if (d->connectTimeout == milliseconds)
        return;
    d->connectTimeout = milliseconds;
    emit connectTimeoutChanged(milliseconds);
}

qint64 IPCSocket::peerProcessId() const
{
    return d->peer.processId;
}

qint64 IPCSocket::peerUserId() const
{
    return d->peer.userId;
}

qint64 IPCSocket::peerGroupId() const
{
    return d->peer.groupId;
}

bool IPCSocket::isSequential() const
{
    return true;
}

bool IPCSocket::canReadLine() const
{
    return QIODevice::canReadLine() || (d->transport && d->transport->canReadLine());
}

bool IPCSocket::open(OpenMode mode)
{
    Q_UNUSED(mode);
    d->fail(IPCSocketPath::failure(InvalidStateError, "open", d->path,
                                   QStringLiteral("an IPCSocket opens by listen() or connect()")));
    return false;
}

bool IPCSocket::waitForReadyRead(int msecs)
{
    const QPointer<IPCSocketTransport> transport = d->transport;
    d->deliverConnected();
    return transport && transport->waitForReadyRead(msecs);
}

bool IPCSocket::waitForBytesWritten(int msecs)
{
    const QPointer<IPCSocketTransport> transport = d->transport;
    return transport && transport->waitForBytesWritten(msecs);
}

bool IPCSocket::endOfFile() const
{
    return bytesAvailable() == 0;
}

QByteArray IPCSocket::lookahead() const
{
    return d->lookahead(bytesAvailable());
}

QString IPCSocket::lookahead(QStringConverter::Encoding encoding) const
{
    return d->readText(bytesAvailable(), encoding, false);
}

QString IPCSocket::read(qint64 byteCount, QStringConverter::Encoding encoding)
{
    return d->readText(byteCount, encoding, true);
}

QByteArray IPCSocket::readAll()
{
    // What is available is held in memory (and a socket buffer of the
    // system's): within qsizetype, bounded by it all the same, so that a
    // 32-bit count cannot wrap. A read gives at most what it was asked.
    const qint64 available = bytesAvailable();
    QByteArray result(qsizetype(qMin<qint64>(available, std::numeric_limits<qsizetype>::max())),
                      Qt::Uninitialized);
    if (result.isEmpty())
        return result;
    const qint64 read = QIODevice::read(result.data(), result.size());
    result.resize(read > 0 ? qsizetype(read) : 0);
    return result;
}

QString IPCSocket::readAll(QStringConverter::Encoding encoding)
{
    return d->readText(bytesAvailable(), encoding, true);
}

qint64 IPCSocket::write(const char *data, qint64 length)
{
    if (!isOpen()) {
        d->fail(IPCSocketPath::failure(InvalidStateError, "write to", d->path,
                                       QStringLiteral("not connected")));
        return -1;
    }
    return QIODevice::write(data, length);
}

qint64 IPCSocket::write(const char *data)
{
    return write(data, qint64(qstrlen(data)));
}

qint64 IPCSocket::write(const QByteArray &data)
{
    return write(data.constData(), data.size());
}

qint64 IPCSocket::write(const QString &text, QStringConverter::Encoding encoding)
{
    QStringEncoder encoder(encoding);
    return write(QByteArray(encoder(text)));
}

QString IPCSocket::readText(qint64 byteCount, const QString &encoding)
{
    const auto known = d->encodingNamed(encoding, "read text from");
    return known ? read(byteCount, *known) : QString();
}

QString IPCSocket::readAllText(const QString &encoding)
{
    return readText(bytesAvailable(), encoding);
}

QString IPCSocket::lookaheadText(const QString &encoding) const
{
    const auto known = d->encodingNamed(encoding, "look ahead in");
    return known ? lookahead(*known) : QString();
}

qint64 IPCSocket::writeText(const QString &text, const QString &encoding)
{
    const auto known = d->encodingNamed(encoding, "write text to");
    return known ? write(text, *known) : -1;
}

bool IPCSocket::listen()
{
    constexpr const char *action = "listen on";
    if (!d->checkCanStart(action))
        return false;
    if (const IPCSocketFailure failure = IPCSocketPath::check(d->path, action);
        failure.isFailure()) {
        d->fail(failure);
        return false;
    }
    if (!d->listener) {
        // Kept for the socket's life and used again by the next listen():
        // it stops inside its own signal when the peer arrives, and a
        // deferred delete there would cost the announcement a wake-up of
        // the event loop.
        d->listener = new IPCSocketListener(this);
        // One peer, as in Xojo: the first one ends the listening, and the
        // path is free again when it is announced. Only the close of the
        // removed lock file's descriptor waits, until the connection ends
        // (onConnectionLost(), close()): the close is as dear as the rest
        // of the tidying up, and no time of the connection's start is as
        // good for it. So a connected socket holds two descriptors for
        // that while, as a listening one does.
        QObject::connect(d->listener, &IPCSocketListener::peerArrived, this,
                         [this](IPCSocketTransport *socket) {
                             d->listener->stop(IPCSocketPathLock::Closing::Later);
                             d->takePeer(socket);
                         });
        QObject::connect(d->listener, &IPCSocketListener::failed, this,
                         [this](const IPCSocketFailure &failure) {
                             // A refused peer is not the end: the real one
                             // may still come. Running out of resources is.
                             QPointer<IPCSocket> guard(this);
                             if (failure.code != PermissionDeniedError) {
                                 d->listener->stop();
                                 d->notifyChanges();
                             }
                             if (guard)
                                 d->fail(failure);
                         });
    }
    if (IPCSocketFailure failure; !d->listener->listen(d->path, d->accessMode, &failure)) {
        d->fail(failure);
        return false;
    }
    d->peer = {};
    if (isOpen())
        QIODevice::close();
    d->notifyChanges();
    return true;
}

bool IPCSocket::connect()
{
    constexpr const char *action = "connect to";
    if (!d->checkCanStart(action))
        return false;
    // The folder is looked at only if connecting fails (tryConnect()).
    if (const IPCSocketFailure failure = IPCSocketPath::checkSpelling(d->path, action);
        failure.isFailure()) {
        d->fail(failure);
        return false;
    }
    return d->tryConnect(true);
}

void IPCSocket::close()
{
    const bool hadData = bytesAvailable() > 0;
    d->detach();
    if (isOpen())
        QIODevice::close();
    QPointer<IPCSocket> guard(this);
    d->notifyBytesLeftToSend();
    if (!guard)
        return;
    d->notifyChanges();
    if (guard && hadData)
        emit bytesAvailableChanged();
}

bool IPCSocket::flush()
{
    const QPointer<IPCSocketTransport> transport = d->transport;
    if (!transport)
        return false;
    d->updateReportsWrites();
    const bool wrote = transport->flush();
    d->notifyBytesLeftToSend();
    return wrote;
}

void IPCSocket::poll()
{
    QPointer<IPCSocket> guard(this);
    if (d->waitingForListener && d->nextConnectAttempt.hasExpired())
        d->tryConnect(false);
    if (!guard)
        return;
    d->deliverConnected();
    if (guard && d->listener)
        d->listener->poll();
    if (!guard)
        return;
    d->lingering.removeAll(nullptr);
    for (const QPointer<IPCSocketTransport> &connection : std::as_const(d->lingering)) {
        if (connection)
            connection->poll();
    }
    d->updateReportsWrites();
    if (const QPointer<IPCSocketTransport> transport = d->transport)
        transport->poll();
}

qint64 IPCSocket::readData(char *data, qint64 maxSize)
{
    // No buffer past qsizetype exists in a 32-bit process: a larger count
    // reads what there is (at most that much), never a wrapped count.
    if constexpr (sizeof(qsizetype) < sizeof(qint64))
        maxSize = qMin<qint64>(maxSize, std::numeric_limits<qsizetype>::max());
    const qint64 total = d->transport ? d->transport->read(data, maxSize) : 0;
    if (total == 0)
        return d->streamEnded() ? -1 : 0; // -1: the stream has ended
    emit bytesAvailableChanged();
    return total;
}

// Qt calls these with a signal-slot mutex held, in whatever thread connects
// or destroys a receiver: calling back into QObject (isSignalConnected(),
// receivers()) can deadlock on that mutex. They only mark that the answer
// may have changed; the owner's thread asks Qt when it next writes.
void IPCSocket::connectNotify(const QMetaMethod &signal)
{
    QIODevice::connectNotify(signal);
    if (IPCSocketPrivate::isWriteReport(signal))
        d->writeReceiversChanged = true;
}

void IPCSocket::disconnectNotify(const QMetaMethod &signal)
{
    QIODevice::disconnectNotify(signal);
    if (IPCSocketPrivate::isWriteReport(signal))
        d->writeReceiversChanged = true;
}

qint64 IPCSocket::writeData(const char *data, qint64 size)
{
    // A 32-bit process holds no buffer of more bytes than qsizetype
    // counts: such a count is refused, never narrowed into a small one.
    if constexpr (sizeof(qsizetype) < sizeof(qint64)) {
        if (size > std::numeric_limits<qsizetype>::max()) {
            d->fail(IPCSocketPath::failure(
                    OutOfMemoryError, "write to", d->path,
                    QStringLiteral("%1 bytes are more than a %2-bit process can hold")
                            .arg(size)
                            .arg(QT_POINTER_SIZE * 8)));
            return -1;
        }
    }
    return d->writeFrame(data, qsizetype(size), QByteArray());
}
