// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketlistener_p.h"
#include "ipcsocketnotifier_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsocketplatform_p.h"
#include "ipcsockettransport_p.h"
#include "ipcsockettransports_p.h"
#include "ipcsocketunix_p.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qfile.h>
#include <QtCore/qpointer.h>

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using IPCSocketPath::failure;
using namespace IPCSocketUnix;

namespace {

constexpr const char *ListenAction = "listen on";
constexpr const char *AcceptAction = "accept a peer on";

// How long a listener that ran out of descriptors or memory waits before
// it tries to accept again: the pending connection would wake it at once.
constexpr int RetryAfterResourceFailureMs = 100;

// Linux answers connect() on a full listen queue with EAGAIN: ECONNREFUSED
// means that nothing listens. macOS and the BSDs answer a full queue with
// ECONNREFUSED as well, so there it tells a stale file from a busy live
// listener only where a lock decides. (The tests build the BSD rule on
// Linux too, and run it with the BSD answers given: tests/bsdanswers.)
#if defined(Q_OS_LINUX) && !defined(IPCSOCKET_BSD_CONNECT_ANSWERS)
constexpr bool RefusedMeansStale = true;
#else
constexpr bool RefusedMeansStale = false;
#endif

// An existing socket file at a path that no listener of ours holds the
// lock of: left by a crashed listener, or a live listener that takes no
// lock (another program). Only a connection attempt tells them apart; a
// stale file is removed. leftByOurs: the path's lock file was left behind
// free, so the file is a killed listener's of ours. Returns false with
// *result set when the path cannot be had.
bool clearExistingFile(const QString &path, const QByteArray &encodedPath, bool leftByOurs,
                       IPCSocketFailure *result)
{
    struct stat st;
    if (::lstat(encodedPath.constData(), &st) != 0)
        return true;
    if (!S_ISSOCK(st.st_mode)) {
        *result = failure(IPCSocket::InvalidPathError, ListenAction, path,
                          QStringLiteral("a file that is not a socket is in the way"));
        return false;
    }
    Descriptor probe(newSocket());
    if (!probe.isValid()) {
        *result = resourceFailure(errno, ListenAction, path);
        return false;
    }
    const int err = connectTo(probe.get(), encodedPath);
    probe.reset();
    switch (err) {
    case 0:
    case EAGAIN:
        *result = failure(IPCSocket::AddressInUseError, ListenAction, path,
                          QStringLiteral("the path is in use by a live listener"));
        return false;
    case ECONNREFUSED:
        // A live listener's file is never removed.
        if (!RefusedMeansStale && !leftByOurs) {
            *result = failure(IPCSocket::AddressInUseError, ListenAction, path,
                              QStringLiteral("the socket file there refuses connections (%1): a "
                                             "stale file, or a listener whose queue is full, "
                                             "which this system does not tell apart; remove the "
                                             "file if nothing listens there")
                                      .arg(systemMessage(err)));
            return false;
        }
        if (::unlink(encodedPath.constData()) != 0 && errno != ENOENT) {
            const int unlinkErr = errno;
            *result = failure(unlinkErr == EACCES || unlinkErr == EPERM
                                      ? IPCSocket::PermissionDeniedError
                                      : IPCSocket::OpenDriverError,
                              ListenAction, path,
                              QStringLiteral("cannot remove the stale socket file (%1)")
                                      .arg(systemMessage(unlinkErr)));
            return false;
        }
        return true;
    case ENOENT: // removed since lstat(): nothing in the way any more
        return true;
    case EACCES:
    case EPERM:
        *result = failure(IPCSocket::PermissionDeniedError, ListenAction, path,
                          QStringLiteral("permission denied on the existing socket file (%1)")
                                  .arg(systemMessage(err)));
        return false;
    default:
        *result = resourceFailure(err, ListenAction, path);
        return false;
    }
}

} // namespace

IPCSocketListener::IPCSocketListener(QObject *parent) : QObject(parent) { }

IPCSocketListener::~IPCSocketListener()
{
    stop();
}

bool IPCSocketListener::listen(const QString &path, IPCSocket::AccessMode mode,
                               IPCSocketFailure *result)
{
    stop();
    const QByteArray encodedPath = QFile::encodeName(path);
    const int permissions = IPCSocketPath::permissions(mode);

    // A live listener of ours holds the lock: 105 without touching its
    // socket. Where no lock can be had (a folder we may not write to, a
    // file system without locks) the existing file decides alone.
    int lockErr = 0;
    switch (m_lock.acquire(path, mode, &lockErr)) {
    case IPCSocketPathLock::HeldByAnother:
        *result = failure(IPCSocket::AddressInUseError, ListenAction, path,
                          QStringLiteral("the path is in use by a live listener"));
        return false;
    case IPCSocketPathLock::Unavailable:
        // Something that is no lock file stands where the lock goes: going
        // on without it would mean probing live listeners again.
        // O_NOFOLLOW on a link answers ELOOP on Linux and macOS, EMLINK on
        // FreeBSD, EFTYPE on NetBSD.
        if (lockErr == EISDIR || lockErr == ELOOP || lockErr == EMLINK
#ifdef EFTYPE
            || lockErr == EFTYPE
#endif
        ) {
            *result = failure(
                    IPCSocket::InvalidPathError, ListenAction, path,
                    QStringLiteral("'%1' is in the way of its lock file (%2)")
                            .arg(IPCSocketPathLock::lockNameFor(path), systemMessage(lockErr)));
            return false;
        }
        break;
    case IPCSocketPathLock::Acquired:
        break;
    }
    const auto fail = [&](const IPCSocketFailure &failure) {
        m_lock.release();
        *result = failure;
        return false;
    };
    if (!clearExistingFile(path, encodedPath, m_lock.isHeld() && m_lock.foundLeftBehind(), result))
        return fail(*result);

    Descriptor fd(newSocket());
    if (!fd.isValid())
        return fail(resourceFailure(errno, ListenAction, path));
    // Linux creates the socket file with the socket's own mode (less the
    // umask), so this closes the window between bind() and chmod() there.
    ::fchmod(fd.get(), mode_t(permissions));

    const sockaddr_un address = addressOf(encodedPath);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
        const int err = errno;
        if (err == EADDRINUSE)
            return fail(failure(IPCSocket::AddressInUseError, ListenAction, path,
                                QStringLiteral("the path is in use by another listener")));
        return fail(pathFailure(err, ListenAction, path));
    }

    // Tell apart our file from one that may later replace it; give it the
    // asked-for mode whatever the umask is.
    struct stat bound;
    if (::chmod(encodedPath.constData(), mode_t(permissions)) != 0
        || ::lstat(encodedPath.constData(), &bound) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
        const int err = errno;
        ::unlink(encodedPath.constData());
        return fail(resourceFailure(err, ListenAction, path));
    }

    m_path = path;
    m_mode = mode;
    m_device = quint64(bound.st_dev);
    m_inode = quint64(bound.st_ino);
    m_fd = fd.release();
    m_notifier = new IPCSocketNotifier(m_fd, IPCSocketNotifier::Read, this);
    QObject::connect(m_notifier, &IPCSocketNotifier::activated, this,
                     &IPCSocketListener::acceptPending);
    updateNotifier();
    return true;
}

void IPCSocketListener::stop(IPCSocketPathLock::Closing closing)
{
    m_retryTimer.stop();
    m_failing = false;
    if (m_fd >= 0) {
        delete m_notifier;
        m_notifier = nullptr;
        ::close(std::exchange(m_fd, -1));
        // The socket file before the lock: whoever takes the lock next must
        // find the path free.
        const QByteArray encodedPath = QFile::encodeName(m_path);
        if (isSameFile(encodedPath, m_device, m_inode))
            ::unlink(encodedPath.constData());
    }
    m_lock.release(closing);
}

bool IPCSocketListener::isListening() const
{
    return m_fd >= 0;
}

qintptr IPCSocketListener::handle() const
{
    return m_fd;
}

void IPCSocketListener::setPaused(bool paused)
{
    m_paused = paused;
    updateNotifier();
}

void IPCSocketListener::poll()
{
    acceptPending();
}

void IPCSocketListener::updateNotifier()
{
    if (m_notifier)
        m_notifier->setEnabled(!m_paused && !m_retryTimer.isActive());
}

void IPCSocketListener::acceptPending()
{
    const QPointer<IPCSocketListener> guard(this);
    // Each peer goes to user code, which may pause, stop or delete us.
    while (guard && m_fd >= 0 && !m_paused && !m_retryTimer.isActive()) {
        Descriptor fd(acceptSocket(m_fd));
        if (!fd.isValid()) {
            const int err = errno;
            if (err == EINTR || err == ECONNABORTED)
                continue;
            if (err == EAGAIN || err == EWOULDBLOCK)
                return;
            // Out of descriptors or memory: the waiting peer would wake us
            // again at once, forever. Pause, say so once, try again later.
            m_retryTimer.start(RetryAfterResourceFailureMs, this);
            updateNotifier();
            if (!std::exchange(m_failing, true))
                emit failed(resourceFailure(err, AcceptAction, m_path));
            return;
        }
        m_failing = false;

        const IPCSocketPeerCredentials peer = IPCSocketPlatform::peerCredentials(fd.get());
        if (m_mode == IPCSocket::UserOnly) {
            // The file's mode keeps other users out where the system honours
            // it (macOS and some BSDs do not): the kernel's word decides.
            if (peer.userId != IPCSocketPlatform::currentUserId() && peer.userId != 0) {
                fd.reset();
                emit failed(failure(IPCSocket::PermissionDeniedError, AcceptAction, m_path,
                                    QStringLiteral("refused a peer of user %1 (process %2): the "
                                                   "socket is for its owner only (UserOnly)")
                                            .arg(peer.userId)
                                            .arg(peer.processId)));
                continue;
            }
        }

        QString error;
        IPCSocketTransport *connection
                = IPCSocketTransports::adopt(fd.get(), peer, nullptr, &error);
        if (!connection) {
            emit failed(failure(IPCSocket::OpenDriverError, AcceptAction, m_path, error));
            continue;
        }
        fd.release();
        const QPointer<IPCSocketTransport> taken(connection);
        emit peerArrived(connection);
        if (taken && !taken->parent())
            taken->close(false);
    }
}

void IPCSocketListener::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_retryTimer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_retryTimer.stop();
    updateNotifier();
    acceptPending();
}
