// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETLISTENER_P_H
#define IPCSOCKETLISTENER_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocket.h"
#include "ipcsocketfailure_p.h"
#include "ipcsocketpathlock_p.h"

#include <QtCore/qbasictimer.h>
#include <QtCore/qobject.h>

QT_BEGIN_NAMESPACE
class QLocalServer;
QT_END_NAMESPACE
class IPCSocketNotifier;
class IPCSocketTransport;

// Listens on a socket file, for IPCSocket (one peer) and IPCServerSocket
// (many) alike: the one place that knows whether a path is free (a live
// listener is never stolen from, a stale file is replaced), how the file
// gets its access mode, which peers a UserOnly listener refuses, and which
// files are its own to remove when it stops.
class IPCSocketListener : public QObject
{
    Q_OBJECT
public:
    explicit IPCSocketListener(QObject *parent = nullptr);
    ~IPCSocketListener() override;

    bool listen(const QString &path, IPCSocket::AccessMode mode, IPCSocketFailure *failure);
    // Stops listening and removes the files that are still its own. With
    // Closing::Later, for a peer that is about to be announced, the
    // descriptor of the removed lock file stays open until the next
    // listen(), a stop() with Closing::Now or the destructor (see
    // IPCSocketPathLock::Closing).
    void stop(IPCSocketPathLock::Closing closing = IPCSocketPathLock::Closing::Now);
    bool isListening() const;
    qintptr handle() const;

    // While paused, new peers wait in the system's backlog, in order.
    void setPaused(bool paused);

    // Takes waiting peers without an event loop.
    void poll();

Q_SIGNALS:
    // A new peer, as soon as it is accepted. The connection has no parent:
    // a receiver takes it; one that nobody took is closed.
    void peerArrived(IPCSocketTransport *connection);
    // A peer was refused (109) or could not be taken (100, 108). The
    // listener goes on; after a resource failure it tries again a little
    // later instead of waking up for the same connection at once.
    void failed(const IPCSocketFailure &failure);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void acceptPending();
    void updateNotifier();

    QString m_path;
    IPCSocket::AccessMode m_mode = IPCSocket::UserOnly;
    bool m_paused = false;
    // After a failed accept: quiet until the timer, one error a streak.
    QBasicTimer m_retryTimer;
    bool m_failing = false;
    // Held from listen() to stop(): a live listener is never stolen from.
    IPCSocketPathLock m_lock;
#ifdef Q_OS_WIN
    QLocalServer *m_server = nullptr;
#else
    int m_fd = -1;
    IPCSocketNotifier *m_notifier = nullptr;
    // Identity of the file we bound, so that we never remove a file that
    // another listener has put at the same path since.
    quint64 m_device = 0;
    quint64 m_inode = 0;
#endif
};

#endif // IPCSOCKETLISTENER_P_H
