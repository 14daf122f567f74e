// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketdescriptortransport_p.h"
#include "ipcsocketendofpass_p.h"
#include "ipcsocketnotifier_p.h"
#include "ipcsockettransports_p.h"

#include <QtCore/qpointer.h>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

// What a readiness notification reads into the buffer: the whole of most
// messages; of a larger one the rest waits in the system for read().
constexpr qint64 FirstSlice = 16 * 1024;

// Collected bytes are handed over at the latest when this many have come.
constexpr qint64 CollectLimit = 64 * 1024;

#ifdef MSG_NOSIGNAL
constexpr int SendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
constexpr int SendFlags = MSG_DONTWAIT; // macOS: SO_NOSIGPIPE is set on the socket
#endif

QString systemMessage(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

// An input buffer that connections of this thread are not using now: a
// drained connection gives its buffer back (an idle connection holds none;
// a server with thousands of idle peers would keep one each), and a busy
// one takes the same memory again without an allocation. (Sent chunks of
// collected writes: IPCSocketWriteQueue.)
QByteArray &spareInput()
{
    thread_local QByteArray spare;
    return spare;
}

bool waitFor(int fd, short events, int msecs)
{
    pollfd fds = {fd, events, 0};
    int result;
    do {
        result = ::poll(&fds, 1, msecs);
    } while (result < 0 && errno == EINTR);
    return result > 0;
}

} // namespace

IPCSocketDescriptorTransport::IPCSocketDescriptorTransport(int descriptor, QObject *parent)
    : IPCSocketTransport(parent), m_fd(descriptor)
{
#ifdef SO_NOSIGPIPE
    const int on = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#endif
    m_readNotifier = new IPCSocketNotifier(m_fd, IPCSocketNotifier::Read, this);
    QObject::connect(m_readNotifier, &IPCSocketNotifier::activated, this,
                     [this] { readAvailable(); });
    // The write notifier comes when first needed: most connections never
    // fill the system's buffer, and registering a notifier with the event
    // dispatcher is a good part of what setting up a connection costs.
}

IPCSocketDescriptorTransport::~IPCSocketDescriptorTransport()
{
    closeDescriptor();
}

qint64 IPCSocketDescriptorTransport::bytesAvailable() const
{
    return (m_in.size() - m_inOffset) + m_inSystem;
}

QByteArrayView IPCSocketDescriptorTransport::buffered() const
{
    return QByteArrayView(m_in).sliced(m_inOffset);
}

void IPCSocketDescriptorTransport::consume(qsizetype bytes)
{
    m_inOffset += bytes;
    releaseDrainedInput();
}

void IPCSocketDescriptorTransport::releaseDrainedInput()
{
    if (m_inOffset != m_in.size())
        return;
    m_inOffset = 0;
    if (m_in.capacity() == 0)
        return;
    // resize() keeps the capacity: whoever reads next in this thread
    // reuses it. The thread keeps the larger buffer of two.
    m_in.resize(0);
    QByteArray &spare = spareInput();
    if (m_in.capacity() > spare.capacity() && m_in.isDetached())
        spare = std::move(m_in);
    m_in = QByteArray();
}

qint64 IPCSocketDescriptorTransport::read(char *data, qint64 maxSize)
{
    qint64 n = takeBuffered(data, maxSize);
    const qint64 wanted = maxSize - n;
    // The end of the stream is left to readAvailable().
    if (wanted <= 0 || m_inSystem <= 0 || m_fd < 0)
        return n;
    // Into the buffer goes only what was counted, so announced: bytes that
    // came since stay in the system, and its notifier announces them.
    if (wanted < FirstSlice && wanted < m_inSystem) {
        // A small read takes a slice into the buffer (draining the system
        // in many small reads would cost a system call each), not all
        // there is: a message channel's next header is such a read, and
        // the payload behind it is better read straight into its message.
        const qint64 r = readIntoBuffer(qMin(m_inSystem, FirstSlice));
        m_inSystem = r > 0 ? m_inSystem - r : 0;
        return n + takeBuffered(data + n, wanted);
    }
    // A large one comes straight from the system into the reader's memory
    // (one copy, as with raw sockets), and what follows it, up to a slice,
    // into the buffer in the same call: a message channel reading a large
    // payload finds the next frame's header there.
    const qint64 tail = qBound<qint64>(0, m_inSystem - wanted, FirstSlice);
    const qsizetype old = prepareBufferTail(tail);
    iovec vectors[2] = {{data + n, size_t(wanted)}, {m_in.data() + old, size_t(tail)}};
    ssize_t r;
    do {
        r = ::readv(m_fd, vectors, tail > 0 ? 2 : 1);
    } while (r < 0 && errno == EINTR);
    const qint64 got = qMax<ssize_t>(r, 0);
    m_in.resize(old + qsizetype(qMax<qint64>(got - wanted, 0)));
    releaseDrainedInput();
    // Still there at least: what was counted, less what was read now (an
    // error is for readAvailable() to find).
    m_inSystem = r > 0 ? qMax<qint64>(m_inSystem - got, 0) : 0;
    return n + qMin(got, wanted);
}

qint64 IPCSocketDescriptorTransport::takeBuffered(char *data, qint64 maxSize)
{
    const qint64 n = qMin<qint64>(maxSize, m_in.size() - m_inOffset);
    if (n <= 0)
        return 0;
    std::memcpy(data, m_in.constData() + m_inOffset, size_t(n));
    m_inOffset += qsizetype(n);
    releaseDrainedInput();
    return n;
}

QByteArray IPCSocketDescriptorTransport::peek(qint64 maxSize)
{
    if (maxSize > m_in.size() - m_inOffset)
        pullFromSystem();
    return QByteArray(m_in.constData() + m_inOffset,
                      qsizetype(qMin<qint64>(maxSize, m_in.size() - m_inOffset)));
}

bool IPCSocketDescriptorTransport::canReadLine()
{
    pullFromSystem();
    return std::memchr(m_in.constData() + m_inOffset, '\n', size_t(m_in.size() - m_inOffset))
           != nullptr;
}

bool IPCSocketDescriptorTransport::isQuiet() const
{
    return m_state == WriteState::Idle && m_quietPass != IPCSocketEndOfPass::currentPass();
}

void IPCSocketDescriptorTransport::collected(qint64 size)
{
    m_collected += size;
    // Most writes of a burst: the end of the pass is due and will send.
    if (Q_UNLIKELY(m_state != WriteState::Collecting || !m_endOfPassDue
                   || m_collected >= CollectLimit))
        handOverCollected();
}

void IPCSocketDescriptorTransport::handOverCollected()
{
    // The system is full: the write notifier hands over the queue when it
    // has room again, and asking before only costs a system call.
    if (m_state == WriteState::WaitingForRoom) {
        updateWriteNotifier();
        return;
    }
    m_state = WriteState::Collecting; // the first collected bytes, if Idle
    // Collected writes are handed over at the end of the pass, or once 64 KiB are
    // collected (and not on every write while the system is full).
    if (m_collected >= CollectLimit)
        sendQueued();
    if (!scheduleEndOfPass())
        updateWriteNotifier();
}

qint64 IPCSocketDescriptorTransport::write(const char *data, qint64 size)
{
    if (Q_UNLIKELY(m_state >= WriteState::Closing))
        return refusedWrite(size);
    if (size <= 0)
        return 0;
    if (!isQuiet()) {
        m_queue.append(data, size);
        collected(size);
        return size;
    }
    // A quiet connection: the bytes go to the system at once, without
    // copying them (a request or a reply is never delayed). What follows
    // in this pass is collected. bytesWritten() for them comes from
    // flush() or the event loop, never from inside write().
    m_quietPass = IPCSocketEndOfPass::currentPass();
    iovec vector = {const_cast<char *>(data), size_t(size)};
    const qint64 sent = qMax<qint64>(send(&vector, 1), 0);
    m_unreported += sent;
    // A send that found the peer gone queues nothing: it could never go.
    if (sent < size && m_state != WriteState::Broken)
        m_queue.append(data + sent, size - sent);
    sentAtOnce();
    return size;
}

qint64 IPCSocketDescriptorTransport::writeFrame(const char *head, qsizetype headSize,
                                                const QByteArray &payload)
{
    const qint64 size = headSize + payload.size();
    if (Q_UNLIKELY(m_state >= WriteState::Closing))
        return refusedWrite(size);
    if (!isQuiet()) {
        m_queue.appendFrame(head, headSize, payload);
        collected(size);
        return size;
    }
    m_quietPass = IPCSocketEndOfPass::currentPass();
    iovec vectors[2] = {{const_cast<char *>(head), size_t(headSize)},
                        {const_cast<char *>(payload.constData()), size_t(payload.size())}};
    const qint64 sent = qMax<qint64>(send(vectors, 2), 0);
    m_unreported += sent;
    if (sent < size && m_state != WriteState::Broken) {
        if (sent < headSize)
            m_queue.append(head + sent, headSize - sent);
        m_queue.appendReference(payload, qsizetype(qMax<qint64>(sent - headSize, 0)));
    }
    sentAtOnce();
    return size;
}

qint64 IPCSocketDescriptorTransport::refusedWrite(qint64 size) const
{
    // Broken: the bytes could never go, as for a write that finds the peer
    // gone (the end is the read side's to report). Closing or Closed: the
    // writer is told.
    return m_state == WriteState::Broken ? qMax<qint64>(size, 0) : -1;
}

void IPCSocketDescriptorTransport::clearQueue()
{
    m_queue.clear();
    m_collected = 0;
}

void IPCSocketDescriptorTransport::sentAtOnce()
{
    // The end of the pass reports what went (when anyone listens): no write
    // notifier armed and disarmed a pass, which costs the event dispatcher
    // a wake-up each time.
    if (m_unreported > 0 && m_reportsWrites && m_queue.isEmpty())
        scheduleEndOfPass();
    updateWriteNotifier();
}

bool IPCSocketDescriptorTransport::scheduleEndOfPass()
{
    if (m_endOfPassDue)
        return true;
    IPCSocketEndOfPass *endOfPass = IPCSocketEndOfPass::current();
    if (!endOfPass)
        return false;
    m_endOfPassDue = true;
    endOfPass->schedule(this);
    updateWriteNotifier(); // not turned on meanwhile
    return true;
}

void IPCSocketDescriptorTransport::endOfPass()
{
    m_endOfPassDue = false;
    if (m_fd < 0)
        return;
    // Waiting for room, or Closing (whose rest waits for room too): the
    // write notifier sends.
    if (m_state == WriteState::Collecting && !m_queue.isEmpty())
        sendQueued();
    m_quietPass = NoPass;
    if (m_reportsWrites && m_unreported > 0) {
        const QPointer<IPCSocketDescriptorTransport> guard(this);
        reportWritten(0);
        if (!guard)
            return;
    }
    updateWriteNotifier();
}

qint64 IPCSocketDescriptorTransport::bytesToWrite() const
{
    return m_queue.size();
}

bool IPCSocketDescriptorTransport::flush()
{
    // Ends the collecting: the next write goes to the system at once.
    m_quietPass = NoPass;
    const bool wrote = sendQueued() > 0 || m_unreported > 0;
    reportWritten(0);
    updateWriteNotifier();
    return wrote;
}

bool IPCSocketDescriptorTransport::isConnected() const
{
    // The descriptor is closed at the end: it is the state.
    return m_fd >= 0;
}

qintptr IPCSocketDescriptorTransport::descriptor() const
{
    return isConnected() ? m_fd : -1;
}

void IPCSocketDescriptorTransport::poll()
{
    if (m_fd < 0)
        return;
    // Without an event loop a call of poll() is what ends a pass.
    m_quietPass = NoPass;
    if (bytesToWrite() > 0 || m_unreported > 0)
        flush();
    if (m_fd >= 0 && waitFor(m_fd, POLLIN, 0))
        readAvailable();
}

bool IPCSocketDescriptorTransport::waitForReadyRead(int msecs)
{
    if (!isConnected())
        return false;
    if (bytesToWrite() > 0)
        flush();
    return m_fd >= 0 && waitFor(m_fd, POLLIN, msecs) && readAvailable();
}

bool IPCSocketDescriptorTransport::waitForBytesWritten(int msecs)
{
    if (m_unreported > 0 || (bytesToWrite() > 0 && sendQueued() > 0))
        return flush();
    if (!isConnected() || bytesToWrite() == 0)
        return false;
    return waitFor(m_fd, POLLOUT, msecs) && flush();
}

void IPCSocketDescriptorTransport::close(bool sendPending)
{
    QObject::disconnect(this, nullptr, nullptr, nullptr);
    // Out of its owner's children: the owner may be being deleted (even
    // from a slot of ours) while this still unwinds.
    setParent(nullptr);
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    if (sendPending && isConnected() && bytesToWrite() > 0) {
        flush();
        if (bytesToWrite() > 0 && IPCSocketTransports::hasEventLoop(this)) {
            m_state = WriteState::Closing;
            IPCSocketTransports::keepAlive(this);
            updateWriteNotifier();
            return;
        }
    }
    closeDescriptor();
    IPCSocketTransports::dispose(this);
}

qsizetype IPCSocketDescriptorTransport::prepareBufferTail(qint64 room)
{
    // Only what is unread stays: move it to the front before growing.
    if (m_inOffset > 0 && m_inOffset >= m_in.size() / 2) {
        m_in.remove(0, m_inOffset);
        m_inOffset = 0;
    }
    const qsizetype old = m_in.size();
    if (old == 0 && room > m_in.capacity()) {
        QByteArray &spare = spareInput();
        if (spare.capacity() >= room)
            m_in = std::move(spare);
    }
    m_in.resize(old + qsizetype(room));
    return old;
}

qint64 IPCSocketDescriptorTransport::readIntoBuffer(qint64 maxSize)
{
    const qsizetype old = prepareBufferTail(maxSize);
    ssize_t n;
    do {
        n = ::read(m_fd, m_in.data() + old, size_t(maxSize));
    } while (n < 0 && errno == EINTR);
    m_in.resize(old + qsizetype(qMax<ssize_t>(n, 0)));
    releaseDrainedInput();
    return n;
}

void IPCSocketDescriptorTransport::pullFromSystem()
{
    if (m_inSystem > 0 && m_fd >= 0)
        readIntoBuffer(m_inSystem);
    m_inSystem = 0;
}

qint64 IPCSocketDescriptorTransport::bytesInSystem() const
{
    int pending = 0;
    return ::ioctl(m_fd, FIONREAD, &pending) == 0 ? pending : 0;
}

bool IPCSocketDescriptorTransport::readAvailable()
{
    if (m_fd < 0)
        return false;
    // While more than a slice arrives a time, and what was announced has
    // been read, the bytes are only counted: read() takes all of them
    // straight into the reader's memory, with no slice copied twice.
    if (m_bulk && m_inSystem == 0 && m_inOffset == m_in.size()) {
        m_inSystem = bytesInSystem();
        if (m_inSystem >= FirstSlice) {
            emit readyRead();
            return true;
        }
        m_inSystem = 0; // little, the end, or an error: read to know which
    }
    // A first slice into the buffer; a message that fits (most do) costs
    // one system call. What is beyond it is only counted, and read()
    // takes it straight into the reader's memory.
    const qint64 n = readIntoBuffer(FirstSlice);
    m_bulk = n == FirstSlice;
    QString endCause;
    if (n > 0)
        m_inSystem = m_bulk ? bytesInSystem() : 0;
    else if (n == 0)
        endCause = QStringLiteral("the peer closed it");
    else if (errno != EAGAIN && errno != EWOULDBLOCK)
        endCause = systemMessage(errno);

    if (n > 0)
        emit readyRead();
    if (!endCause.isEmpty())
        end(endCause);
    else if (n <= 0 && m_state == WriteState::Broken)
        end(m_brokenCause);
    return n > 0;
}

bool IPCSocketDescriptorTransport::raiseSendBuffer()
{
    // The first time the system's buffer is full, this connection carries
    // more than small messages: a larger buffer than the default (208 KiB
    // on Linux) then halves the wake-ups of writer and reader, each of
    // which passes an event loop and costs more than copying the bytes.
    // Linux caps what is asked at net.core.wmem_max (208 KiB by default)
    // and doubles it; memory is used only for bytes in flight. Asked for
    // only now, so that setting up a connection costs nothing more.
    if (m_sendBufferRaised)
        return false;
    m_sendBufferRaised = true;
    constexpr int SendBuffer = 512 * 1024;
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &SendBuffer, sizeof(SendBuffer));
    return true; // one more try, into the room there may be now
}

qint64 IPCSocketDescriptorTransport::transmit(const iovec *vectors, int count)
{
    msghdr message = {};
    message.msg_iov = const_cast<iovec *>(vectors);
    message.msg_iovlen = decltype(message.msg_iovlen)(count);
    ssize_t n;
    do {
        n = ::sendmsg(m_fd, &message, SendFlags);
    } while (n < 0 && (errno == EINTR || (errno == EAGAIN && raiseSendBuffer())));
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (m_state == WriteState::Idle || m_state == WriteState::Collecting)
            m_state = WriteState::WaitingForRoom;
        return 0;
    }
    // The peer is gone. What it sent before may still be unread: the end is
    // reported by the read side, after those bytes.
    m_brokenCause = systemMessage(errno);
    clearQueue();
    if (m_state == WriteState::Closing) {
        closeDescriptor();
        deleteLater();
    } else {
        m_state = WriteState::Broken;
        QMetaObject::invokeMethod(
                this, [this] { readAvailable(); }, Qt::QueuedConnection);
    }
    return -1;
}

qint64 IPCSocketDescriptorTransport::send(iovec *vectors, int count)
{
    qint64 sent = 0;
    while (m_fd >= 0 && count > 0) {
        const qint64 n = transmit(vectors, count);
        if (n < 0)
            return -1;
        if (n == 0)
            break; // the system takes no more now
        sent += n;
        // Past what went: a short send leaves the rest for another.
        for (qint64 left = n; left > 0 && count > 0;) {
            if (size_t(left) < vectors->iov_len) {
                vectors->iov_base = static_cast<char *>(vectors->iov_base) + left;
                vectors->iov_len -= size_t(left);
                break;
            }
            left -= qint64(vectors->iov_len);
            ++vectors;
            --count;
        }
        while (count > 0 && vectors->iov_len == 0) {
            ++vectors;
            --count;
        }
    }
    return sent;
}

qint64 IPCSocketDescriptorTransport::sendQueued()
{
    // As many queued chunks as one sendmsg(2) takes, until the system is
    // full: one system call for what one wake-up can send.
    constexpr int MaximumVectors = 16;
    m_collected = 0;
    qint64 total = 0;
    while (!m_queue.isEmpty() && m_fd >= 0) {
        iovec vectors[MaximumVectors];
        iovec *vector = vectors;
        qint64 offered = 0;
        const int count = m_queue.gather(MaximumVectors, [&](const char *data, qsizetype size) {
            *vector++ = {const_cast<char *>(data), size_t(size)};
            offered += size;
        });
        const qint64 sent = transmit(vectors, count);
        if (sent <= 0)
            break;
        total += sent;
        m_queue.advance(sent);
        if (sent < offered)
            break; // the system takes no more now
    }
    if (m_queue.isEmpty()
        && (m_state == WriteState::Collecting || m_state == WriteState::WaitingForRoom))
        m_state = WriteState::Idle;
    m_unreported += total;
    if (m_state == WriteState::Closing && bytesToWrite() == 0 && m_fd >= 0) {
        closeDescriptor();
        deleteLater();
    }
    return total;
}

void IPCSocketDescriptorTransport::reportWritten(qint64 bytes)
{
    // Unlike QAbstractSocket, writes made by a bytesWritten() slot are
    // reported too, once that slot has returned.
    m_unreported += bytes;
    if (m_reporting)
        return;
    m_reporting = true;
    while (m_unreported > 0)
        emit bytesWritten(std::exchange(m_unreported, 0));
    m_reporting = false;
}

void IPCSocketDescriptorTransport::end(const QString &cause)
{
    if (m_fd < 0) // closed from a readyRead() slot: nobody to tell
        return;
    closeDescriptor();
    emit ended(cause);
}

void IPCSocketDescriptorTransport::closeDescriptor()
{
    if (m_fd < 0)
        return;
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    ::close(std::exchange(m_fd, -1));
    m_state = WriteState::Closed;
    // Nothing queued can go any more: bytesLeftToSend() must not wait for it.
    clearQueue();
}

void IPCSocketDescriptorTransport::setReportsWrites(bool reports)
{
    m_reportsWrites = reports;
    updateWriteNotifier();
}

void IPCSocketDescriptorTransport::updateWriteNotifier()
{
    // Also for bytes sent but not reported yet: the event loop reports
    // them, when anyone listens. While the end of this pass is due, that
    // sends and reports: the notifier is not turned on for it, and one
    // that is on stays on (with GLib, turning a notifier off and on costs
    // the event dispatcher a wake-up each time).
    const bool wanted = (bytesToWrite() > 0 || (m_unreported > 0 && m_reportsWrites))
                        && (!m_endOfPassDue || m_writeNotifierOn);
    if (m_writeNotifier && m_writeNotifierOn == wanted)
        return;
    m_writeNotifierOn = wanted;
    if (!m_writeNotifier && wanted && m_fd >= 0) {
        m_writeNotifier = new IPCSocketNotifier(m_fd, IPCSocketNotifier::Write, this);
        QObject::connect(m_writeNotifier, &IPCSocketNotifier::activated, this, [this] {
            if (m_state == WriteState::WaitingForRoom)
                m_state = WriteState::Collecting;
            flush();
        });
    } else if (m_writeNotifier) {
        m_writeNotifier->setEnabled(wanted);
    }
}
