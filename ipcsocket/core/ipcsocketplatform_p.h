// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETPLATFORM_P_H
#define IPCSOCKETPLATFORM_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocket.h"
#include "ipcsocketfailure_p.h"

#include <QtCore/qbasictimer.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qobject.h>

QT_BEGIN_NAMESPACE
class QLocalServer;
class QSocketNotifier;
QT_END_NAMESPACE
class IPCSocketTransport;

// The platform part: how a connection comes to be. Once it exists, the
// connection is an IPCSocketTransport.
namespace IPCSocketPlatform {

// Connects to the listener at path. Returns the connection, owned by
// parent, or nullptr with *failure set.
IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *failure);

// Appends what the system still holds for a connection that is being torn
// down, so that no byte the peer sent is lost with it.
void drain(qintptr descriptor, QByteArray *into);

} // namespace IPCSocketPlatform

// Waits on a socket file for exactly one peer, then stops listening.
class IPCSocketListener : public QObject
{
    Q_OBJECT
public:
    explicit IPCSocketListener(QObject *parent = nullptr);
    ~IPCSocketListener() override;

    bool listen(const QString &path, IPCSocket::AccessMode mode, IPCSocketFailure *failure);
    // Stops listening and removes the socket file if it is still ours.
    void stop();
    bool isListening() const;
    qintptr handle() const;
    // Takes a waiting peer, if any, without an event loop.
    void poll();

Q_SIGNALS:
    // The listener has stopped listening when this is emitted; the
    // connection is parented to the listener's parent.
    void peerArrived(IPCSocketTransport *connection);
    void failed(const IPCSocketFailure &failure);

#ifndef Q_OS_WIN
protected:
    void timerEvent(QTimerEvent *event) override;
#endif

private:
    void acceptPending();
#ifndef Q_OS_WIN
    void examineCandidate(bool graceOver);
    void dropCandidate();
#endif

    QString m_path;
#ifdef Q_OS_WIN
    QLocalServer *m_server = nullptr;
#else
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    // Identity of the file we bound, so that we never remove a file that
    // another listener has put at the same path since.
    quint64 m_device = 0;
    quint64 m_inode = 0;
    // A connection is a peer once it sends a byte or stays open this long;
    // one that closes before is a liveness probe and is dropped. Long
    // enough for a probing process that is descheduled between its
    // connect() and close() on a busy machine.
    static constexpr int CandidateGraceMs = 50;
    int m_candidate = -1;
    QSocketNotifier *m_candidateNotifier = nullptr;
    QDeadlineTimer m_candidateDeadline;
    QBasicTimer m_graceTimer;
#endif
};

#endif // IPCSOCKETPLATFORM_P_H
