// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKET_P_H
#define IPCSOCKET_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocket.h"
#include "ipcsocketfailure_p.h"
#include "ipcsocketplatform_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

#include <atomic>
#include <optional>

QT_BEGIN_NAMESPACE
class QMetaMethod;
class QTimer;
QT_END_NAMESPACE
class IPCSocketListener;
class IPCSocketTransport;

class IPCSocketPrivate
{
    Q_DECLARE_PUBLIC(IPCSocket)
public:
    explicit IPCSocketPrivate(IPCSocket *q) : q_ptr(q) { }

    static IPCSocketPrivate *get(IPCSocket *socket) { return socket->d.get(); }

    // What the NOTIFY signals report, to emit only what changed.
    struct State
    {
        bool connected = false;
        bool connecting = false;
        bool listening = false;
        qintptr handle = -1;
        IPCSocketPeerCredentials peer;
    };
    State state() const;
    // Emits the NOTIFY signals of what changed since the last call.
    void notifyChanges();

    bool checkCanStart(const char *action);
    void fail(const IPCSocketFailure &failure);
    // The encoding called name, or nothing after failing with 106.
    std::optional<QStringConverter::Encoding> encodingNamed(const QString &name,
                                                            const char *action);

    void attach(IPCSocketTransport *connection);
    // The listening side's new connection: attached, announced.
    void takePeer(IPCSocketTransport *connection);
    // One connection attempt; while nothing listens and connectTimeout
    // allows, schedules the next one. False once connect() has failed.
    bool tryConnect(bool first);
    void stopWaitingForListener();
    void deliverConnected();
    void onReadyRead();
    void onConnectionLost(const QString &cause);
    // Stops listening and ends the connection, sending what is queued.
    void detach();
    void notifyBytesLeftToSend();
    // write() of head and payload as one, the payload not copied where the
    // transport can avoid it (IPCMessageChannel's frames).
    qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload);
    // Reports why a write failed (106 or 100): -1.
    Q_DECL_COLD_FUNCTION qint64 failWrite(int code);
    // The front of the unread bytes in memory, for a reader that parses in
    // place (empty when there is none, or they are not in one piece), and
    // taking bytes of it as read() would, except that the caller emits
    // bytesAvailableChanged().
    QByteArrayView readBuffer() const;
    void consume(qsizetype bytes);
    // Whether bytesAvailableChanged() has receivers (owner's thread only).
    bool isBytesAvailableWatched() const;
    // Whether a signal's receivers decide if writes are reported by the
    // event loop: bytesWritten(), bytesLeftToSendChanged(), or all of them
    // at once (an invalid method, as disconnect() of everything gives).
    static bool isWriteReport(const QMetaMethod &signal);
    // Tells the transport whether anyone listens to bytesWritten(), if that
    // may have changed since it was last told. Called where the owner's
    // thread is about to write, never from connectNotify().
    void updateReportsWrites();
    qint64 bufferedBytes() const;
    // The first maxSize readable bytes, left where they are.
    QByteArray lookahead(qint64 maxSize) const;
    bool streamEnded() const;
    // Decodes at most byteCount bytes without splitting a character.
    QString readText(qint64 byteCount, QStringConverter::Encoding encoding, bool consume);

    IPCSocket *const q_ptr;
    QString path;
    IPCSocket::AccessMode accessMode = IPCSocket::UserOnly;
    int lastErrorCode = 0;
    int connectTimeout = 0;
    IPCSocketPeerCredentials peer;

    QPointer<IPCSocketListener> listener;
    // The connection; after it ended, it still holds what was not read.
    QPointer<IPCSocketTransport> transport;
    // Closed connections that still send what write() accepted.
    QList<QPointer<IPCSocketTransport>> lingering;
    bool connectedPending = false;
    // connect() waiting for a listener: when to give up, when to try next
    // (poll() asks the deadline, the event loop the timer).
    bool waitingForListener = false;
    QTimer *connectRetry = nullptr;
    QDeadlineTimer connectDeadline;
    QDeadlineTimer nextConnectAttempt;
    int connectRetryInterval = 0;
    // Set by connectNotify()/disconnectNotify(), from any thread and with
    // Qt's signal-slot lock held: they may touch nothing else.
    std::atomic<bool> writeReceiversChanged{true};
    // Whether bytesLeftToSendChanged() has receivers, as last asked.
    bool bytesLeftToSendWatched = true;
    qint64 bytesLeftToSendNotified = 0;
    State notified;
};

#endif // IPCSOCKET_P_H
