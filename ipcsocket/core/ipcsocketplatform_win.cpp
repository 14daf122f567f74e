// SPDX-License-Identifier: BSD-3-Clause
//
// Windows: a socket file is a named pipe whose name comes from the path
// (IPCSocketPath::pipeNameForPath), served by QLocalServer. Qt's named-pipe
// server takes care of what the Unix part does by hand: a pipe disappears
// with its last handle, so there are no stale files, and pipe instances
// cannot be stolen from a live server.
//
// NOTE: this part is not built or tested in this project's CI (Linux only).

#include "ipcsocketplatform_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qfileinfo.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

#include <memory>

namespace {

using IPCSocketPath::failure;

QString pipeFor(const QString &path)
{
    return IPCSocketPath::pipeNameForPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

namespace IPCSocketPlatform {

IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *result)
{
    auto socket = std::make_unique<QLocalSocket>();
    socket->connectToServer(pipeFor(path));
    if (socket->waitForConnected(5000))
        return new IPCSocketLocalSocketTransport(socket.release(), parent);
    const QLocalSocket::LocalSocketError error = socket->error();
    int code = IPCSocket::OpenDriverError;
    if (error == QLocalSocket::ServerNotFoundError || error == QLocalSocket::ConnectionRefusedError)
        code = IPCSocket::NameResolutionError;
    else if (error == QLocalSocket::SocketAccessError)
        code = IPCSocket::PermissionDeniedError;
    *result = failure(code, "connect to", path, socket->errorString());
    return nullptr;
}

void drain(qintptr, QByteArray *) { }

} // namespace IPCSocketPlatform

IPCSocketListener::IPCSocketListener(QObject *parent) : QObject(parent) { }

IPCSocketListener::~IPCSocketListener()
{
    stop();
}

bool IPCSocketListener::listen(const QString &path, IPCSocket::AccessMode mode,
                               IPCSocketFailure *result)
{
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
    if (!m_server->listen(pipeFor(path))) {
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
    QObject::connect(m_server, &QLocalServer::newConnection, this,
                     &IPCSocketListener::acceptPending);
    return true;
}

void IPCSocketListener::stop()
{
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

void IPCSocketListener::poll()
{
    if (m_server && m_server->waitForNewConnection(0))
        acceptPending();
}

void IPCSocketListener::acceptPending()
{
    while (m_server && m_server->hasPendingConnections()) {
        QLocalSocket *socket = m_server->nextPendingConnection();
        // A probe closes before it sends anything: not a peer.
        if (socket->state() != QLocalSocket::ConnectedState && socket->bytesAvailable() == 0) {
            delete socket;
            continue;
        }
        auto *connection = new IPCSocketLocalSocketTransport(socket, parent());
        stop();
        emit peerArrived(connection);
        return;
    }
}
