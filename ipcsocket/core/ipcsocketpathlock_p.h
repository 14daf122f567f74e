// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETPATHLOCK_P_H
#define IPCSOCKETPATHLOCK_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketunix_p.h"

#include <QtCore/qbytearray.h>

// The lock file beside a socket file ("<path>.lock"), held with flock(2)
// for as long as a listener listens there.
//
// Why a lock: a live listener must be told from a stale socket file without
// connecting to it, since a connection is what a peer looks like and the
// listener announces its peer at once. The kernel drops a flock when its
// holder dies, however it dies, so a SIGKILLed listener leaves a lock file
// that blocks nobody; and taking it is atomic, so of two processes that
// listen() on one path at the same moment exactly one gets it. Linux's table
// of bound sockets (sock_diag, /proc/net/unix) would also tell liveness, but
// it is Linux-only and does not make the check and the bind() one step.
class IPCSocketPathLock
{
public:
    enum Result {
        Acquired,
        HeldByAnother, // a live listener is there
        Unavailable, // no lock can be had (permissions, file system): errno says why
    };

    static QByteArray lockPathFor(const QByteArray &encodedSocketPath);

    // Takes the lock for the socket file at encodedSocketPath without
    // waiting; a lock file it creates gets permissions (less nothing: the
    // umask does not apply). On Unavailable, *err is the errno.
    Result acquire(const QByteArray &encodedSocketPath, int permissions, int *err);

    // Removes the lock file while still holding it, so that nobody can
    // take a lock on a file that is about to disappear, then lets go.
    void release();

    bool isHeld() const { return m_fd.isValid(); }

private:
    IPCSocketUnix::Descriptor m_fd;
    QByteArray m_path;
};

#endif // IPCSOCKETPATHLOCK_P_H
