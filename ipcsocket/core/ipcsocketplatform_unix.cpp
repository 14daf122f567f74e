// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketplatform_p.h"
#include "ipcsocket.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"
#include "ipcsockettransports_p.h"
#include "ipcsocketunix_p.h"

#include <QtCore/qfile.h>

#include <cerrno>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#if defined(Q_OS_DARWIN) || defined(Q_OS_FREEBSD)
#include <sys/un.h>
#endif
#ifdef Q_OS_FREEBSD
#include <sys/param.h>
#include <sys/ucred.h>
#endif

using IPCSocketPath::failure;
using namespace IPCSocketUnix;

namespace IPCSocketPlatform {

IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *result)
{
    constexpr const char *action = "connect to";
    Descriptor fd(newSocket());
    if (!fd.isValid()) {
        *result = resourceFailure(errno, action, path);
        return nullptr;
    }
    switch (const int err = connectTo(fd.get(), QFile::encodeName(path))) {
    case 0: {
        QString error;
        IPCSocketTransport *transport = IPCSocketTransports::adopt(fd.get(), parent, &error);
        if (!transport) {
            *result = failure(IPCSocket::OpenDriverError, action, path, error);
            return nullptr;
        }
        fd.release();
        return transport;
    }
    case ENOENT:
        *result = failure(IPCSocket::NameResolutionError, action, path,
                          QStringLiteral("nothing is listening there (no such socket file)"));
        break;
#ifndef Q_OS_LINUX
    case ECONNREFUSED: // also a full listen queue on macOS and the BSDs
        *result = failure(IPCSocket::NameResolutionError, action, path,
                          QStringLiteral("nothing takes the connection there (%1: a stale socket "
                                         "file, or a listener whose queue is full)")
                                  .arg(systemMessage(err)));
        break;
#else
    case ECONNREFUSED:
#endif
    case ENOTSOCK:
    case EPROTOTYPE:
        *result = failure(IPCSocket::NameResolutionError, action, path,
                          QStringLiteral("nothing is listening there (%1: a stale socket file, "
                                         "or not a socket)")
                                  .arg(systemMessage(err)));
        break;
    case EAGAIN:
        *result = failure(IPCSocket::NameResolutionError, action, path,
                          QStringLiteral("the listener there takes no more connections now"));
        break;
    default:
        *result = pathFailure(err, action, path);
        break;
    }
    return nullptr;
}

void drain(qintptr descriptor, QByteArray *into)
{
    if (descriptor < 0)
        return;
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::recv(int(descriptor), chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n > 0)
            into->append(chunk, qsizetype(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            return;
    }
}

IPCSocketPeerCredentials peerCredentials(qintptr descriptor)
{
    IPCSocketPeerCredentials peer;
    if (descriptor < 0)
        return peer;
#if defined(SO_PEERCRED) && !defined(Q_OS_OPENBSD)
    ucred credentials = {};
    socklen_t size = sizeof(credentials);
    if (::getsockopt(int(descriptor), SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0) {
        peer.processId = credentials.pid > 0 ? qint64(credentials.pid) : -1;
        peer.userId = qint64(credentials.uid);
        peer.groupId = qint64(credentials.gid);
    }
#else
    uid_t uid;
    gid_t gid;
    if (::getpeereid(int(descriptor), &uid, &gid) == 0) {
        peer.userId = qint64(uid);
        peer.groupId = qint64(gid);
    }
#if defined(LOCAL_PEERPID) // macOS
    pid_t pid = 0;
    socklen_t size = sizeof(pid);
    if (::getsockopt(int(descriptor), SOL_LOCAL, LOCAL_PEERPID, &pid, &size) == 0 && pid > 0)
        peer.processId = qint64(pid);
#elif defined(Q_OS_FREEBSD) && defined(LOCAL_PEERCRED) && __FreeBSD_version >= 1300000
    // FreeBSD has no LOCAL_PEERPID: the credentials carry the process id
    // since FreeBSD 13.
    xucred credentials = {};
    socklen_t size = sizeof(credentials);
    if (::getsockopt(int(descriptor), SOL_LOCAL, LOCAL_PEERCRED, &credentials, &size) == 0
        && credentials.cr_version == XUCRED_VERSION && credentials.cr_pid > 0)
        peer.processId = qint64(credentials.cr_pid);
#endif
#endif
    return peer;
}

qint64 currentUserId()
{
    return qint64(::geteuid());
}

} // namespace IPCSocketPlatform
