// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETTRANSPORT_P_H
#define IPCSOCKETTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketplatform_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qobject.h>

#include <deque>

QT_BEGIN_NAMESPACE
class QLocalSocket;
QT_END_NAMESPACE
class IPCSocketNotifier;

// One established connection: the bytes both ways, and its end. IPCSocket
// is the same on every transport; only how the bytes move differs.
class IPCSocketTransport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // What arrived and is not read yet; after the end, what is left of it.
    virtual qint64 bytesAvailable() const = 0;
    virtual qint64 read(char *data, qint64 maxSize) = 0;
    virtual QByteArray peek(qint64 maxSize) = 0;
    virtual bool canReadLine() = 0;
    // The front of what arrived, where it lies in memory (perhaps less than
    // bytesAvailable()), for a reader that parses in place; consume()
    // takes bytes of it.
    virtual QByteArrayView buffered() const { return {}; }
    virtual void consume(qsizetype bytes) { Q_UNUSED(bytes); }

    virtual qint64 write(const char *data, qint64 size) = 0;
    // One write of head and then payload, the payload not copied where the
    // transport can keep a reference to it instead. size of both, or -1.
    virtual qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload) = 0;
    // Collected bytes and queued ones alike.
    virtual qint64 bytesToWrite() const = 0;
    // Hands what is queued to the system now; true if any bytes went.
    virtual bool flush() = 0;

    // False once the connection has ended.
    virtual bool isConnected() const = 0;
    virtual qintptr descriptor() const = 0;

    // Reads and writes what the system is ready for, without an event loop.
    virtual void poll() = 0;
    virtual bool waitForReadyRead(int msecs) = 0;
    virtual bool waitForBytesWritten(int msecs) = 0;

    // Whether bytes sent by write() are reported by the event loop even
    // when no flush() follows. Off when nobody listens to bytesWritten():
    // arming the write notifier for it costs more than the send itself.
    virtual void setReportsWrites(bool reports) { Q_UNUSED(reports); }

    // The end of a pass of the event loop that this transport asked
    // IPCSocketEndOfPass for: hands over what it collected.
    virtual void endOfPass() { }

    // Ends the connection from this side. With sendPending, the bytes that
    // write() accepted still go out first; either way the transport deletes
    // itself when it is done, and emits nothing more to its old owner.
    virtual void close(bool sendPending) = 0;

    // Who is at the other end, as the system said when the connection was
    // made: Windows stops saying once the peer has gone.
    const IPCSocketPeerCredentials &peer() const { return m_peer; }
    void setPeer(const IPCSocketPeerCredentials &peer) { m_peer = peer; }

Q_SIGNALS:
    void readyRead();
    void bytesWritten(qint64 bytes);
    // The peer closed the connection, or it failed; emitted once. Every
    // byte that arrived has been announced by readyRead() before: the
    // owner relies on it to report the end only after the data.
    void ended(const QString &cause);

private:
    IPCSocketPeerCredentials m_peer;
};

#ifndef Q_OS_WIN
struct iovec;

// The connection driven on its descriptor directly (Unix): bytes go from
// the system into one buffer and from there to the reader.
class IPCSocketDescriptorTransport final : public IPCSocketTransport
{
    Q_OBJECT
public:
    IPCSocketDescriptorTransport(int descriptor, QObject *parent);
    ~IPCSocketDescriptorTransport() override;

    qint64 bytesAvailable() const override;
    qint64 read(char *data, qint64 maxSize) override;
    QByteArray peek(qint64 maxSize) override;
    bool canReadLine() override;
    QByteArrayView buffered() const override;
    void consume(qsizetype bytes) override;
    qint64 write(const char *data, qint64 size) override;
    qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload) override;
    qint64 bytesToWrite() const override;
    bool flush() override;
    bool isConnected() const override;
    qintptr descriptor() const override;
    void poll() override;
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;
    void close(bool sendPending) override;
    void setReportsWrites(bool reports) override;
    void endOfPass() override;

private:
    // Reads what the system holds; emits readyRead() and, at the end, ended().
    bool readAvailable();
    // An empty input buffer goes back to the thread's spare buffers.
    void releaseDrainedInput();
    // Copies from the buffer: bytes copied.
    qint64 takeBuffered(char *data, qint64 maxSize);
    // Grows the buffer by room bytes to be read into: where they begin.
    qsizetype prepareBufferTail(qint64 room);
    // read(2) into the end of the buffer: bytes read, 0 at the end, -1.
    qint64 readIntoBuffer(qint64 maxSize);
    // Moves what waits in the system into the buffer (for peek()).
    void pullFromSystem();
    qint64 bytesInSystem() const;
    // One sendmsg(2) without waiting: bytes sent, 0 when the system is
    // full, -1 when the connection broke.
    qint64 transmit(const iovec *vectors, int count);
    // Asks for a larger send buffer, the first time only: whether to try
    // the send again.
    bool raiseSendBuffer();
    // Hands the vectors to the system without waiting: how many bytes went,
    // or -1 when the connection broke.
    qint64 send(iovec *vectors, int count);
    qint64 sendQueued();
    // Whether a write now goes to the system at once: nothing is queued
    // and nothing went yet in this pass of the event loop.
    bool isQuiet() const;
    // After bytes were collected: hands them over at 64 KiB, else at the
    // end of the pass.
    void collected(qint64 size);
    // collected()'s rarer half: the system is full, 64 KiB are reached, or
    // the end of the pass is not due yet.
    void handOverCollected();
    // After a write went to the system at once.
    void sentAtOnce();
    // Asks for endOfPass(); false in a thread without an event dispatcher.
    bool scheduleEndOfPass();
    // Queues a payload from the byte from on, not copied.
    void queueByReference(const QByteArray &payload, qsizetype from);
    // Copies bytes to the end of the queue.
    void append(const char *data, qint64 size);
    // Room for size more bytes at the end of the queue, counted as queued.
    char *collectSpace(qint64 size);
    // A chunk of our own at the end of the queue, with room for size bytes.
    void startChunk(qint64 size);
    // Forgets everything queued: it can never go.
    void clearQueue();
    // Emits bytesWritten() for what went, once at a time.
    void reportWritten(qint64 bytes);
    void end(const QString &cause);
    void closeDescriptor();
    void updateWriteNotifier();

    int m_fd;
    IPCSocketNotifier *m_readNotifier = nullptr;
    IPCSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_in;
    qsizetype m_inOffset = 0;
    qint64 m_inSystem = 0; // readable, still in the system (FIONREAD)
    bool m_bulk = false; // the last read filled a whole slice
    // Queued bytes: small writes copied together into chunks of our own,
    // large payloads of writeFrame() by reference. begin: how much of the
    // chunk has gone.
    struct Chunk
    {
        QByteArray bytes;
        qsizetype begin = 0; // sent before this
        qsizetype end = 0; // filled up to this
        bool ours = false; // not a payload by reference: a spare buffer once sent
    };
    std::deque<Chunk> m_out;
    // The chunk at the end of m_out that small writes fill, if there is
    // one: where its free room begins and ends.
    Chunk *m_collecting = nullptr;
    char *m_collectAt = nullptr;
    char *m_collectEnd = nullptr;
    qint64 m_outBytes = 0;
    // Collected since the queue was last handed to the system.
    qint64 m_collected = 0;
    // The pass of the event loop in which a write last went at once
    // (IPCSocketEndOfPass::currentPass()), NoPass after a hand-over.
    static constexpr quint64 NoPass = ~quint64(0);
    quint64 m_quietPass = NoPass;
    bool m_endOfPassDue = false;
    // A send found no room: the write notifier tells when there is.
    bool m_systemFull = false;
    bool m_sendBufferRaised = false;
    bool m_writeNotifierOn = false;
    qint64 m_unreported = 0; // sent, bytesWritten() not yet emitted
    bool m_reporting = false;
    bool m_reportsWrites = true;
    bool m_closing = false; // close(true): sending the rest, then gone
    QString m_brokenCause; // a send failed; the end is yet to be read
};
#endif

// The connection on QLocalSocket: what Windows uses, and Unix when
// IPCSOCKET_TRANSPORT=qlocalsocket is set (so that the tests cover it).
class IPCSocketLocalSocketTransport : public IPCSocketTransport
{
    Q_OBJECT
public:
    IPCSocketLocalSocketTransport(QLocalSocket *socket, QObject *parent);
    ~IPCSocketLocalSocketTransport() override;

    qint64 bytesAvailable() const override;
    qint64 read(char *data, qint64 maxSize) override;
    QByteArray peek(qint64 maxSize) override;
    bool canReadLine() override;
    qint64 write(const char *data, qint64 size) override;
    qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload) override;
    qint64 bytesToWrite() const override;
    bool flush() override;
    bool isConnected() const override;
    qintptr descriptor() const override;
    void poll() override;
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;
    void close(bool sendPending) override;

private:
    void end(const QString &cause);
    void closeSpare();
    void catchUp();
    void reportConfirmed();

    QLocalSocket *m_socket; // nullptr once the connection has ended
    // Unix: a second descriptor of the connection. A write that fails on a
    // gone peer makes QAbstractSocket close its own at once, and with it
    // what the peer sent that is still in the system; end() drains it
    // from this one.
    int m_spare = -1;
    // The one copy: what the lost connection still held, kept readable.
    QByteArray m_rest;
    qsizetype m_restOffset = 0;
    // Of QLocalSocket's bytes, how many its readyRead() has announced and
    // are not read yet: what it holds beyond that at the end was never
    // announced.
    qint64 m_announced = 0;
    // What QLocalSocket took from write(), and how much of it went (it
    // has left QLocalSocket's queue) and was reported by bytesWritten().
    qint64 m_handedOver = 0;
    qint64 m_confirmed = 0;
};

namespace IPCSocketTransports {

// The transport for a connected descriptor, by default or as
// IPCSOCKET_TRANSPORT says, with its peer read now; nullptr with *error set
// if it cannot be used.
IPCSocketTransport *adopt(qintptr descriptor, QObject *parent, QString *error);
// The same with the peer already read (a listener reads it to check it).
IPCSocketTransport *adopt(qintptr descriptor, const IPCSocketPeerCredentials &peer, QObject *parent,
                          QString *error);

// For a transport that has to outlive its IPCSocket to send the rest.
void keepAlive(QObject *transport);

// Whether the transport's thread still runs, or will run, an event loop to
// finish its work in (send the rest, delete it later).
bool hasEventLoop(const QObject *transport);

// Deletes a closed transport: later, from its thread's event loop, since a
// slot of ours may be unwinding below; at once where that loop has ended
// for good (a socket deleted after its thread), where nothing of ours can
// be running and a later deletion would never come.
void dispose(QObject *transport);

} // namespace IPCSocketTransports

#endif // IPCSOCKETTRANSPORT_P_H
