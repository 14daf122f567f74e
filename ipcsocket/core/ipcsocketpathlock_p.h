// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETPATHLOCK_P_H
#define IPCSOCKETPATHLOCK_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocket.h"

#include <QtCore/qstring.h>

#ifdef Q_OS_WIN
#include "ipcsocketwin_p.h"
#else
#include "ipcsocketunix_p.h"
#include <QtCore/qbytearray.h>
#endif

// What a live listener holds for its path from listen() to stop(): the one
// thing that tells a live listener from none, on every platform.
//
// Why a lock: a live listener must be told from a free path without
// connecting to it, since a connection is what a peer looks like and the
// listener announces its peer at once. The system drops the lock when its
// holder dies, however it dies, so a killed listener blocks nobody; and
// taking it is atomic, so of two processes that listen() on one path at the
// same moment exactly one gets it.
//
// Unix: the lock file beside the socket file ("<path>.lock"), held with
// flock(2). Linux's table of bound sockets (sock_diag, /proc/net/unix)
// would also tell liveness, but it is Linux-only and does not make the
// check and the bind() one step.
//
// Windows: the same lock file, opened without sharing and deleted on
// close. The pipe cannot tell by itself: QLocalServer lets any number of
// servers create instances of one pipe name, and Wine ignores
// FILE_FLAG_FIRST_PIPE_INSTANCE, the flag meant to refuse the second. A
// named mutex whose existence is the lock would make every listen() that
// finds it a holder for a moment (opening is the only way to look), so that
// a listener closing and listening again while another one looks can lose
// to nobody; and a mutex's ownership belongs to a thread, not a listener. A
// failed open of a file opened without sharing leaves nothing behind, and
// the file system already knows which spellings of a path are one file.
class IPCSocketPathLock
{
public:
    enum Result {
        Acquired,
        HeldByAnother, // a live listener is there
        Unavailable, // no lock can be had: *error says why
    };

    // Where the lock of the socket at path lives, for messages: the lock
    // file, or the name of the kernel object.
    static QString lockNameFor(const QString &path);

    // Takes the lock for the socket at path without waiting. On Unix the
    // lock file it creates gets the access mode's permissions (the umask
    // does not apply). On Unavailable, *error is the system's error code
    // (errno, or GetLastError()).
    Result acquire(const QString &path, IPCSocket::AccessMode mode, int *error);

    enum class Closing {
        Now,
        // Unix: once the lock file is removed, the descriptor that held it
        // is closed by the next acquire(), release(Closing::Now) or the
        // destructor. The close is the dearest part (it deletes the file
        // for good), and nothing needs it any more: a new lock file is
        // made at the path, and whoever opened the old one just before it
        // went and is refused looks again (acquire()). If the file could
        // not be removed it is closed at once, or the lock would keep
        // everybody out with nobody listening.
        Later,
    };

    // Lets go; on Unix the lock file is removed while still held, so that
    // nobody can take a lock on a file that is about to disappear.
    void release(Closing closing = Closing::Now);

    bool isHeld() const;

#ifndef Q_OS_WIN
    // The lock file acquire() took was there before, free: a listener of
    // ours had the path and is gone without stop() (killed), so a socket
    // file at the path is its leftover.
    bool foundLeftBehind() const;
#endif

private:
#ifdef Q_OS_WIN
    IPCSocketWin::Handle m_handle;
#else
    IPCSocketUnix::Descriptor m_fd;
    QByteArray m_path;
    quint64 m_device = 0;
    quint64 m_inode = 0;
    // The last lock released with Closing::Later, on its removed file.
    IPCSocketUnix::Descriptor m_spent;
    bool m_leftBehind = false;
#endif
};

#endif // IPCSOCKETPATHLOCK_P_H
