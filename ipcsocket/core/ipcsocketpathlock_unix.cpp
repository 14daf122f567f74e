// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketpathlock_p.h"
#include "ipcsocketpath_p.h"

#include <QtCore/qfile.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

QString IPCSocketPathLock::lockNameFor(const QString &path)
{
    return path + QStringLiteral(".lock");
}

bool IPCSocketPathLock::isHeld() const
{
    return m_fd.isValid();
}

IPCSocketPathLock::Result IPCSocketPathLock::acquire(const QString &socketPath,
                                                     IPCSocket::AccessMode mode, int *err)
{
    release();
    const QByteArray path = QFile::encodeName(lockNameFor(socketPath));
    const int permissions = IPCSocketPath::permissions(mode);
    // A holder that stops removes its file: a lock taken on the removed
    // file is worth nothing, so take it again on the one that is there now.
    // Each round means another listener came and went meanwhile.
    constexpr int Rounds = 16;
    for (int round = 0; round < Rounds; ++round) {
        IPCSocketUnix::Descriptor fd(
                ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, permissions));
        if (!fd.isValid() && errno == EACCES) {
            // Another user's lock file that we may read: flock works on any
            // descriptor, so we can still tell whether it is held.
            fd.reset(::open(path.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        }
        if (!fd.isValid()) {
            *err = errno;
            return Unavailable;
        }
        int locked;
        do {
            locked = ::flock(fd.get(), LOCK_EX | LOCK_NB);
        } while (locked != 0 && errno == EINTR);
        if (locked != 0) {
            if (errno == EWOULDBLOCK)
                return HeldByAnother;
            *err = errno;
            return Unavailable;
        }
        struct stat held;
        if (::fstat(fd.get(), &held) != 0
            || !IPCSocketUnix::isSameFile(path, quint64(held.st_dev), quint64(held.st_ino)))
            continue;
        if (held.st_uid == ::geteuid())
            ::fchmod(fd.get(), mode_t(permissions));
        m_fd.reset(fd.release());
        m_path = path;
        return Acquired;
    }
    *err = EAGAIN;
    return Unavailable;
}

void IPCSocketPathLock::release()
{
    if (!m_fd.isValid())
        return;
    struct stat held;
    if (::fstat(m_fd.get(), &held) == 0
        && IPCSocketUnix::isSameFile(m_path, quint64(held.st_dev), quint64(held.st_ino)))
        ::unlink(m_path.constData());
    m_fd.reset();
    m_path.clear();
}
