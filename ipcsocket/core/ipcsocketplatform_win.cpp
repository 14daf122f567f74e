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
#include <QtCore/qt_windows.h>
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

IPCSocketPeerCredentials peerCredentials(qintptr descriptor)
{
    // A pipe knows both of its ends' processes; the other one is the peer.
    IPCSocketPeerCredentials peer;
    const HANDLE pipe = HANDLE(descriptor);
    ULONG pid = 0;
    if (GetNamedPipeClientProcessId(pipe, &pid) && pid != GetCurrentProcessId())
        peer.processId = qint64(pid);
    else if (GetNamedPipeServerProcessId(pipe, &pid) && pid != GetCurrentProcessId())
        peer.processId = qint64(pid);
    return peer;
}

qint64 currentUserId()
{
    return -1; // Windows has no numeric user ids; UserOnly is the pipe's ACL
}

} // namespace IPCSocketPlatform
