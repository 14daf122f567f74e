// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETDESCRIPTORTRANSPORT_P_H
#define IPCSOCKETDESCRIPTORTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsockettransport_p.h"
#include "ipcsocketwritequeue_p.h"

struct iovec;
class IPCSocketNotifier;

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
    IPCSocketWriteQueue m_queue;
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

#endif // IPCSOCKETDESCRIPTORTRANSPORT_P_H
