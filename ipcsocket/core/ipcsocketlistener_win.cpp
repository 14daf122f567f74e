// SPDX-License-Identifier: BSD-3-Clause
//
// Windows: the socket file is a named pipe named after the path
// (IPCSocketPath::pipeNameForPath), served by QLocalServer; a pipe goes
// with its last handle, so there are no stale files. What QLocalServer does
// not do is done here: refusing a second listener (the path lock), and the
// UserOnly check of the peer's user.

#include "ipcsocketlistener_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsocketplatform_p.h"
#include "ipcsockettransport_p.h"
#include "ipcsockettransports_p.h"
#include "ipcsocketwin_p.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qpointer.h>
#include <QtCore/qt_windows.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

#include <memory>

using IPCSocketPath::failure;

namespace {

constexpr const char *ListenAction = "listen on";
constexpr const char *AcceptAction = "accept a peer on";

QLocalServer::SocketOptions socketOptions(IPCSocket::AccessMode mode)
{
    // QLocalServer turns these into the pipe's DACL: one ACE that grants
    // the creating token's user everything, plus one for its primary group
    // and one for Everyone as asked. No ACE, no access: UserOnly admits the
    // owner alone (not even administrators or LocalSystem).
    switch (mode) {
    case IPCSocket::UserOnly:
        return QLocalServer::UserAccessOption;
    case IPCSocket::GroupAccess:
        return QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption;
    case IPCSocket::WorldAccess:
        return QLocalServer::WorldAccessOption;
    }
    return QLocalServer::UserAccessOption;
}

} // namespace

IPCSocketListener::IPCSocketListener(QObject *parent) : QObject(parent) { }

IPCSocketListener::~IPCSocketListener()
{
    stop();
}

bool IPCSocketListener::listen(const QString &path, IPCSocket::AccessMode mode,
                               IPCSocketFailure *result)
{
    stop();
    int lockError = 0;
    switch (m_lock.acquire(path, mode, &lockError)) {
    case IPCSocketPathLock::HeldByAnother:
        *result = failure(IPCSocket::AddressInUseError, ListenAction, path,
                          QStringLiteral("the path is in use by a live listener"));
        return false;
    case IPCSocketPathLock::Unavailable: {
        // Without the lock nothing would keep a second listener off the pipe.
        const QString lock = IPCSocketPathLock::lockNameFor(path);
        const DWORD attributes
                = ::GetFileAttributesW(reinterpret_cast<const wchar_t *>(lock.utf16()));
        const bool folderInTheWay
                = attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
        const int code = folderInTheWay                      ? IPCSocket::InvalidPathError
                         : lockError == ERROR_ACCESS_DENIED  ? IPCSocket::PermissionDeniedError
                         : lockError == ERROR_PATH_NOT_FOUND ? IPCSocket::InvalidPathError
                                                             : IPCSocket::OpenDriverError;
        *result = failure(code, ListenAction, path,
                          QStringLiteral("cannot create its lock file '%1' (%2)")
                                  .arg(lock, IPCSocketWin::systemMessage(DWORD(lockError))));
        return false;
    }
    case IPCSocketPathLock::Acquired:
        break;
    }

    auto server = std::make_unique<QLocalServer>(this);
    server->setSocketOptions(socketOptions(mode));
    // Queued: QLocalServer's Windows part goes on using its listeners and
    // its event handle after newConnection() returns, and a peer's
    // receiver may stop (delete) the server; from the event loop it is
    // out of QLocalServer's code when that happens. Connected before
    // listen(), which already announces a client that was waiting for the
    // pipe to appear (connectTimeout).
    QObject::connect(server.get(), &QLocalServer::newConnection, this,
                     &IPCSocketListener::acceptPending, Qt::QueuedConnection);
    if (!server->listen(IPCSocketPath::pipeNameForPath(path))) {
        const QAbstractSocket::SocketError error = server->serverError();
        const int code = error == QAbstractSocket::AddressInUseError ? IPCSocket::AddressInUseError
                         : error == QAbstractSocket::SocketAccessError
                                 ? IPCSocket::PermissionDeniedError
                                 : IPCSocket::OpenDriverError;
        *result = failure(code, ListenAction, path, server->errorString());
        m_lock.release();
        return false;
    }
    m_path = path;
    m_mode = mode;
    m_server = server.release();
    return true;
}

void IPCSocketListener::stop(IPCSocketPathLock::Closing closing)
{
    m_retryTimer.stop();
    m_failing = false;
    // The pipe before the lock: whoever takes the lock next must find no
    // instance of ours left to connect to.
    delete std::exchange(m_server, nullptr);
    m_lock.release(closing);
}

bool IPCSocketListener::isListening() const
{
    return m_server && m_server->isListening();
}

qintptr IPCSocketListener::handle() const
{
    return m_server ? m_server->socketDescriptor() : -1;
}

void IPCSocketListener::setPaused(bool paused)
{
    // QLocalServer connects pipe clients itself; while paused they wait in
    // its queue of pending connections instead of the system's backlog.
    m_paused = paused;
    if (!paused)
        QMetaObject::invokeMethod(this, &IPCSocketListener::acceptPending, Qt::QueuedConnection);
}

void IPCSocketListener::poll()
{
    if (m_server)
        m_server->waitForNewConnection(0);
    acceptPending();
}

void IPCSocketListener::updateNotifier() { }

void IPCSocketListener::acceptPending()
{
    const QPointer<IPCSocketListener> guard(this);
    // Each peer goes to user code, which may pause, stop or delete us.
    while (guard && m_server && !m_paused && m_server->hasPendingConnections()) {
        std::unique_ptr<QLocalSocket> socket(m_server->nextPendingConnection());
        socket->setParent(nullptr);
        // Read now: after the peer has gone Windows no longer says who it
        // was, and the UserOnly check needs it before anything is announced.
        const IPCSocketPeerCredentials peer
                = IPCSocketPlatform::peerCredentials(socket->socketDescriptor());
        if (m_mode == IPCSocket::UserOnly) {
            // The pipe's DACL already keeps other users out; this is the
            // kernel's word on the one that got in (an administrator's
            // process can ignore a DACL).
            const IPCSocketWin::ProcessUser user = IPCSocketWin::userOfProcess(peer.processId);
            if (!user.isOwnOrSystem) {
                socket->abort();
                socket.reset();
                const QString who
                        = user.sid.isEmpty()
                                  ? QStringLiteral(
                                            "a peer whose user cannot be told (process %1: %2)")
                                            .arg(peer.processId)
                                            .arg(user.error)
                                  : QStringLiteral("a peer of user %1 (process %2)")
                                            .arg(user.describe())
                                            .arg(peer.processId);
                emit failed(failure(IPCSocket::PermissionDeniedError, AcceptAction, m_path,
                                    QStringLiteral("refused %1: the socket is for its owner "
                                                   "only (UserOnly)")
                                            .arg(who)));
                continue;
            }
        }
        IPCSocketTransport *connection
                = IPCSocketTransports::adopt(socket.release(), peer, nullptr);
        const QPointer<IPCSocketTransport> taken(connection);
        emit peerArrived(connection);
        if (taken && !taken->parent())
            taken->close(false);
    }
}

void IPCSocketListener::timerEvent(QTimerEvent *event)
{
    QObject::timerEvent(event);
}
