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

bool IPCSocketPathLock::foundLeftBehind() const
{
    return m_leftBehind;
}

IPCSocketPathLock::Result IPCSocketPathLock::acquire(const QString &socketPath,
                                                     IPCSocket::AccessMode mode, int *err)
{
    release();
    m_leftBehind = false;
    const QByteArray path = QFile::encodeName(lockNameFor(socketPath));
    const int permissions = IPCSocketPath::permissions(mode);
    // A holder that stops removes its file: a lock taken on the removed
    // file is worth nothing, and one refused on it means nothing, so take
    // it again on the one that is there now. Each round means another
    // listener came or went meanwhile.
    constexpr int Rounds = 16;
    for (int round = 0; round < Rounds; ++round) {
        struct stat before;
        const bool existed = ::lstat(path.constData(), &before) == 0;
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
        const int lockErr = locked != 0 ? errno : 0;
        if (lockErr != 0 && lockErr != EWOULDBLOCK) {
            *err = lockErr;
            return Unavailable;
        }
        // Held or not, a lock on a file that is no longer at the path is
        // worth nothing: its holder has let go (release() removes the file
        // first and closes it later), so look again.
        struct stat held;
        if (::fstat(fd.get(), &held) != 0
            || !IPCSocketUnix::isSameFile(path, quint64(held.st_dev), quint64(held.st_ino)))
            continue;
        if (lockErr == EWOULDBLOCK)
            return HeldByAnother;
        if (held.st_uid == ::geteuid())
            ::fchmod(fd.get(), mode_t(permissions));
        m_fd.reset(fd.release());
        m_path = path;
        m_device = quint64(held.st_dev);
        m_inode = quint64(held.st_ino);
        m_leftBehind = existed && before.st_dev == held.st_dev && before.st_ino == held.st_ino;
        return Acquired;
    }
    *err = EAGAIN;
    return Unavailable;
}

void IPCSocketPathLock::release(Closing closing)
{
    if (closing == Closing::Now)
        m_spent.reset();
    if (!m_fd.isValid())
        return;
    // Gone from the path: removed now, or earlier by someone else (and
    // maybe another file made there since). A lock on a file that is not
    // at the path holds nobody off, so its close may wait. Anything else
    // (the file could not be looked at or removed) closes it now.
    bool gone = false;
    struct stat there;
    if (::lstat(m_path.constData(), &there) == 0) {
        const bool ours = quint64(there.st_dev) == m_device && quint64(there.st_ino) == m_inode;
        gone = !ours || ::unlink(m_path.constData()) == 0;
    } else {
        gone = errno == ENOENT;
    }
    if (gone && closing == Closing::Later)
        m_spent.reset(m_fd.release());
    else
        m_fd.reset();
    m_path.clear();
}
