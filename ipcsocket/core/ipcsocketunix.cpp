// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketunix_p.h"
#include "ipcsocket.h"
#include "ipcsocketpath_p.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace IPCSocketUnix {

using IPCSocketPath::failure;

void Descriptor::reset(int fd)
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
}

QString systemMessage(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

IPCSocketFailure resourceFailure(int err, const char *action, const QString &path)
{
    const int code = (err == ENOMEM || err == ENOBUFS) ? IPCSocket::OutOfMemoryError
                                                       : IPCSocket::OpenDriverError;
    return failure(code, action, path, systemMessage(err));
}

IPCSocketFailure pathFailure(int err, const char *action, const QString &path)
{
    switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
        return failure(IPCSocket::PermissionDeniedError, action, path,
                       QStringLiteral("permission denied (%1)").arg(systemMessage(err)));
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
    case ELOOP:
        return failure(IPCSocket::InvalidPathError, action, path, systemMessage(err));
    default:
        return resourceFailure(err, action, path);
    }
}

#ifndef SOCK_CLOEXEC
namespace {

int makeNonBlocking(int fd)
{
    if (fd >= 0) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
}

} // namespace
#endif

int newSocket()
{
#ifdef SOCK_CLOEXEC
    return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
    return makeNonBlocking(::socket(AF_UNIX, SOCK_STREAM, 0));
#endif
}

int acceptSocket(int listener)
{
#ifdef SOCK_CLOEXEC
    return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
    return makeNonBlocking(::accept(listener, nullptr, nullptr));
#endif
}

sockaddr_un addressOf(const QByteArray &encodedPath)
{
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encodedPath.constData(),
                qMin(size_t(encodedPath.size()), sizeof(address.sun_path) - 1));
    return address;
}

int connectTo(int fd, const QByteArray &encodedPath)
{
    const sockaddr_un address = addressOf(encodedPath);
    int result;
    do {
        result = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address));
    } while (result != 0 && errno == EINTR);
    return result == 0 ? 0 : errno;
}

bool isSameFile(const QByteArray &encodedPath, quint64 device, quint64 inode)
{
    struct stat st;
    return ::lstat(encodedPath.constData(), &st) == 0 && quint64(st.st_dev) == device
           && quint64(st.st_ino) == inode;
}

} // namespace IPCSocketUnix
