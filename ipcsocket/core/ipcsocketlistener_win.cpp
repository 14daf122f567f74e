// SPDX-License-Identifier: BSD-3-Clause
//
// Windows: QLocalServer serves the named pipe that stands for the socket
// file. A pipe disappears with its last handle, so there are no stale
// files, and pipe instances cannot be stolen from a live server.
//
// NOTE: this part is not built or tested in this project's CI (Linux only).

#include "ipcsocketlistener_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qpointer.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

using IPCSocketPath::failure;

IPCSocketListener::IPCSocketListener(QObject *parent) : QObject(parent) { }

IPCSocketListener::~IPCSocketListener()
{
    stop();
}

bool IPCSocketListener::listen(const QString &path, IPCSocket::AccessMode mode,
                               IPCSocketFailure *result)
{
    stop();
    m_server = new QLocalServer(this);
    switch (mode) {
    case IPCSocket::UserOnly:
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        break;
    case IPCSocket::GroupAccess:
        m_server->setSocketOptions(QLocalServer::UserAccessOption
                                   | QLocalServer::GroupAccessOption);
        break;
    case IPCSocket::WorldAccess:
        m_server->setSocketOptions(QLocalServer::WorldAccessOption);
        break;
    }
    if (!m_server->listen(IPCSocketPath::pipeNameForPath(QFileInfo(path).absoluteFilePath()))) {
        const QAbstractSocket::SocketError error = m_server->serverError();
        const int code = error == QAbstractSocket::AddressInUseError ? IPCSocket::AddressInUseError
                         : error == QAbstractSocket::SocketAccessError
                                 ? IPCSocket::PermissionDeniedError
                                 : IPCSocket::OpenDriverError;
        *result = failure(code, "listen on", path, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    m_path = path;
    m_mode = mode;
    QObject::connect(m_server, &QLocalServer::newConnection, this,
                     &IPCSocketListener::acceptPending);
    return true;
}

void IPCSocketListener::stop()
{
    m_retryTimer.stop();
    delete m_server;
    m_server = nullptr;
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
    // QLocalServer accepts pipe clients itself; while paused they wait in
    // its queue of pending connections instead of the system's backlog.
    m_paused = paused;
    if (!paused)
        QMetaObject::invokeMethod(this, &IPCSocketListener::acceptPending, Qt::QueuedConnection);
}

void IPCSocketListener::poll()
{
    if (m_server && m_server->waitForNewConnection(0))
        acceptPending();
}

void IPCSocketListener::updateNotifier() { }

void IPCSocketListener::acceptPending()
{
    const QPointer<IPCSocketListener> guard(this);
    while (guard && m_server && !m_paused && m_server->hasPendingConnections()) {
        QLocalSocket *socket = m_server->nextPendingConnection();
        socket->setParent(nullptr);
        auto *connection = new IPCSocketLocalSocketTransport(socket, nullptr);
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
