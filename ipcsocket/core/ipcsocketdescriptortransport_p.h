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
    // An empty input buffer goes back to the thread as its spare.
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
    // write() in Closing, Broken or Closed: what it returns.
    qint64 refusedWrite(qint64 size) const;
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
    // The write path. Where the queued bytes stand is one state:
    //
    //   Idle            Nothing queued. A write goes to the system at once,
    //                   unless one already went in this pass of the event
    //                   loop (m_quietPass): then it is queued -> Collecting.
    //                   One that goes in part queues the rest ->
    //                   WaitingForRoom.
    //   Collecting      Bytes queued, the system has room. They are handed
    //                   over at the end of the pass (endOfPass()), once
    //                   64 KiB are collected, or by flush() and poll(); all
    //                   gone -> Idle. A send that finds the system full ->
    //                   WaitingForRoom.
    //   WaitingForRoom  The system takes no more: writes are only queued,
    //                   and the write notifier says when there is room ->
    //                   Collecting, and sends (a flush() may send before:
    //                   all gone -> Idle).
    //   Closing         close(true) with bytes left, in a thread with an
    //                   event loop to send them in: writes are refused, the
    //                   write notifier sends the rest; all gone, or the send
    //                   failed -> the descriptor is closed (Closed) and the
    //                   transport deletes itself.
    //   Broken          A send failed (the peer is gone): the queue is
    //                   dropped and writes go nowhere; the read side reports
    //                   the end (m_brokenCause) after the bytes that the
    //                   peer sent, then -> Closed.
    //   Closed          The descriptor is closed: the end, from any state.
    //
    // Idle, Collecting and WaitingForRoom go to Closing by close(true) and
    // to Broken by a failed send. Beside the state, and independent of it:
    // the pass in which a write last went at once (m_quietPass), the bytes
    // collected since the last hand-over (m_collected, for the 64 KiB),
    // whether endOfPass() is scheduled (m_endOfPassDue) and the write
    // notifier on (m_writeNotifierOn), the send buffer raised once
    // (m_sendBufferRaised), and the reporting of bytesWritten(), once at a
    // time and only when anyone listens (m_unreported, m_reporting,
    // m_reportsWrites).
    enum class WriteState : quint8 {
        Idle,
        Collecting,
        WaitingForRoom,
        // From here on, writes are refused (or, Broken, go nowhere).
        Closing,
        Broken,
        Closed,
    };
    WriteState m_state = WriteState::Idle;
    IPCSocketWriteQueue m_queue;
    qint64 m_collected = 0;
    static constexpr quint64 NoPass = ~quint64(0); // after a hand-over
    quint64 m_quietPass = NoPass; // IPCSocketEndOfPass::currentPass()
    bool m_endOfPassDue = false;
    bool m_writeNotifierOn = false;
    bool m_sendBufferRaised = false;
    bool m_reporting = false;
    bool m_reportsWrites = true;
    qint64 m_unreported = 0; // sent, bytesWritten() not yet emitted
    QString m_brokenCause;
};

#endif // IPCSOCKETDESCRIPTORTRANSPORT_P_H
