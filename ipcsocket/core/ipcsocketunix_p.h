// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETUNIX_P_H
#define IPCSOCKETUNIX_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketfailure_p.h"

#include <QtCore/qbytearray.h>

#include <sys/un.h>
#include <utility>

// What the Unix connector and listener share: descriptors, addresses, and
// what an errno means for the user.
namespace IPCSocketUnix {

// Owns a descriptor until it is handed on; closes it on every early return.
class Descriptor
{
public:
    explicit Descriptor(int fd = -1) : m_fd(fd) { }
    ~Descriptor() { reset(); }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;

    int get() const { return m_fd; }
    bool isValid() const { return m_fd >= 0; }
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd = -1);

private:
    int m_fd;
};

QString systemMessage(int err);

// Errors that any socket call can give, whatever it was doing: 108 for
// memory, else 100.
IPCSocketFailure resourceFailure(int err, const char *action, const QString &path);

// What connect(2), bind(2) or open(2) failing on the path itself means.
IPCSocketFailure pathFailure(int err, const char *action, const QString &path);

// Non-blocking, close-on-exec AF_UNIX stream sockets.
int newSocket();
int acceptSocket(int listener);

// path must fit (IPCSocketPath::check()).
sockaddr_un addressOf(const QByteArray &encodedPath);

// connect(2) on a non-blocking socket: 0 or the errno.
int connectTo(int fd, const QByteArray &encodedPath);

// Whether the file at encodedPath is still the one with this identity.
bool isSameFile(const QByteArray &encodedPath, quint64 device, quint64 inode);

} // namespace IPCSocketUnix

#endif // IPCSOCKETUNIX_P_H
