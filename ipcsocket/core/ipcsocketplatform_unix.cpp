// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketplatform_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qfile.h>
#include <QtCore/qcoreevent.h>
#include <QtCore/qsocketnotifier.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace {

using IPCSocketPath::failure;

// Owns a descriptor until it is handed on; closes it on every early return.
class Descriptor
{
public:
    explicit Descriptor(int fd = -1) : m_fd(fd) { }
    ~Descriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;

    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

QString systemMessage(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

// Errors that any socket call can give, whatever it was doing.
IPCSocketFailure resourceFailure(int err, const char *action, const QString &path)
{
    const int code = (err == ENOMEM || err == ENOBUFS) ? IPCSocket::OutOfMemoryError
                                                       : IPCSocket::OpenDriverError;
    return failure(code, action, path, systemMessage(err));
}

// What connect() and bind() failing on the path itself means.
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

int newSocket()
{
#ifdef SOCK_CLOEXEC
    return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
#endif
}

int acceptSocket(int listener)
{
#ifdef SOCK_CLOEXEC
    return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd >= 0) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
#endif
}

sockaddr_un addressOf(const QByteArray &encodedPath)
{
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    // IPCSocketPath::check() has made sure the path fits.
    std::memcpy(address.sun_path, encodedPath.constData(),
                qMin(size_t(encodedPath.size()), sizeof(address.sun_path) - 1));
    return address;
}

// connect(2) on a non-blocking socket; 0 or the errno.
int connectTo(int fd, const QByteArray &encodedPath)
{
    const sockaddr_un address = addressOf(encodedPath);
    int result;
    do {
        result = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address));
    } while (result != 0 && errno == EINTR);
    return result == 0 ? 0 : errno;
}

IPCSocketTransport *adopt(Descriptor &fd, QObject *parent, const char *action, const QString &path,
                          IPCSocketFailure *result)
{
    QString error;
    IPCSocketTransport *transport = IPCSocketTransports::adopt(fd.get(), parent, &error);
    if (!transport) {
        *result = failure(IPCSocket::OpenDriverError, action, path, error);
        return nullptr;
    }
    fd.release();
    return transport;
}

enum class Arrival { Probe, Peer, Undecided };

// A connection that the peer closed before sending anything is not a peer:
// it is what a liveness probe (ours in listen(), or another program's)
// looks like. One that sent bytes is a peer; one that did neither yet may
// still be either.
Arrival examine(int fd)
{
    char byte;
    ssize_t n;
    do {
        n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n > 0)
        return Arrival::Peer;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return Arrival::Undecided;
    return Arrival::Probe;
}

} // namespace

namespace IPCSocketPlatform {

IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *result)
{
    constexpr const char *action = "connect to";
    Descriptor fd(newSocket());
    if (fd.get() < 0) {
        *result = resourceFailure(errno, action, path);
        return nullptr;
    }
    switch (const int err = connectTo(fd.get(), QFile::encodeName(path))) {
    case 0:
        return adopt(fd, parent, action, path, result);
    case ENOENT:
        *result = failure(IPCSocket::NameResolutionError, action, path,
                          QStringLiteral("nothing is listening there (no such socket file)"));
        break;
    case ECONNREFUSED:
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

} // namespace IPCSocketPlatform

IPCSocketListener::IPCSocketListener(QObject *parent) : QObject(parent) { }

IPCSocketListener::~IPCSocketListener()
{
    stop();
}

bool IPCSocketListener::listen(const QString &path, IPCSocket::AccessMode mode,
                               IPCSocketFailure *result)
{
    constexpr const char *action = "listen on";
    const QByteArray encodedPath = QFile::encodeName(path);

    // An existing socket file is either a live listener's (never steal it)
    // or left by one that crashed: only a connection attempt tells which.
    struct stat st;
    if (::lstat(encodedPath.constData(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *result = failure(IPCSocket::InvalidPathError, action, path,
                              QStringLiteral("a file that is not a socket is in the way"));
            return false;
        }
        Descriptor probe(newSocket());
        if (probe.get() < 0) {
            *result = resourceFailure(errno, action, path);
            return false;
        }
        const int err = connectTo(probe.get(), encodedPath);
        // Close before anything else: the live listener is waiting to see
        // this connection end without a byte, and takes it for a peer if
        // it takes too long.
        ::close(probe.release());
        switch (err) {
        case 0:
        case EAGAIN:
            *result = failure(IPCSocket::AddressInUseError, action, path,
                              QStringLiteral("the path is in use by a live listener"));
            return false;
        case ECONNREFUSED:
            if (::unlink(encodedPath.constData()) != 0 && errno != ENOENT) {
                const int unlinkErr = errno;
                *result = failure(unlinkErr == EACCES || unlinkErr == EPERM
                                          ? IPCSocket::PermissionDeniedError
                                          : IPCSocket::OpenDriverError,
                                  action, path,
                                  QStringLiteral("cannot remove the stale socket file (%1)")
                                          .arg(systemMessage(unlinkErr)));
                return false;
            }
            break;
        case ENOENT: // removed since lstat(): nothing in the way any more
            break;
        case EACCES:
        case EPERM:
            *result = failure(IPCSocket::PermissionDeniedError, action, path,
                              QStringLiteral("permission denied on the existing socket file (%1)")
                                      .arg(systemMessage(err)));
            return false;
        default:
            *result = resourceFailure(err, action, path);
            return false;
        }
    }

    Descriptor fd(newSocket());
    if (fd.get() < 0) {
        *result = resourceFailure(errno, action, path);
        return false;
    }
    // Linux creates the socket file with the socket's own mode (less the
    // umask), so this closes the window between bind() and chmod() there.
    const mode_t permissions = mode_t(IPCSocketPath::permissions(mode));
    ::fchmod(fd.get(), permissions);

    const sockaddr_un address = addressOf(encodedPath);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
        switch (const int err = errno) {
        case EADDRINUSE:
            *result = failure(IPCSocket::AddressInUseError, action, path,
                              QStringLiteral("the path is in use by another listener"));
            break;
        default:
            *result = pathFailure(err, action, path);
            break;
        }
        return false;
    }

    // Tell apart our file from one that may later replace it; give it the
    // asked-for mode whatever the umask is.
    struct stat bound;
    if (::chmod(encodedPath.constData(), permissions) != 0
        || ::lstat(encodedPath.constData(), &bound) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
        const int err = errno;
        ::unlink(encodedPath.constData());
        *result = resourceFailure(err, action, path);
        return false;
    }

    m_path = path;
    m_device = quint64(bound.st_dev);
    m_inode = quint64(bound.st_ino);
    m_fd = fd.release();
    m_notifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
    QObject::connect(m_notifier, &QSocketNotifier::activated, this,
                     &IPCSocketListener::acceptPending);
    return true;
}

void IPCSocketListener::stop()
{
    dropCandidate();
    if (m_fd < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(std::exchange(m_fd, -1));

    const QByteArray encodedPath = QFile::encodeName(m_path);
    struct stat st;
    if (::lstat(encodedPath.constData(), &st) == 0 && quint64(st.st_dev) == m_device
        && quint64(st.st_ino) == m_inode)
        ::unlink(encodedPath.constData());
}

bool IPCSocketListener::isListening() const
{
    return m_fd >= 0;
}

qintptr IPCSocketListener::handle() const
{
    return m_fd;
}

void IPCSocketListener::poll()
{
    if (m_candidate >= 0)
        examineCandidate(m_candidateDeadline.hasExpired());
    else if (m_fd >= 0)
        acceptPending();
}

void IPCSocketListener::acceptPending()
{
    while (m_fd >= 0 && m_candidate < 0) {
        const int fd = acceptSocket(m_fd);
        if (fd < 0) {
            const int err = errno;
            if (err == EINTR || err == ECONNABORTED)
                continue;
            if (err == EAGAIN || err == EWOULDBLOCK)
                return;
            // Out of descriptors or memory: the notifier would fire again at
            // once, forever. Stop, and say why.
            stop();
            emit failed(resourceFailure(err, "accept a peer on", m_path));
            return;
        }
        m_candidate = fd;
        m_notifier->setEnabled(false);
        m_candidateDeadline.setRemainingTime(CandidateGraceMs);
        m_candidateNotifier = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this);
        QObject::connect(m_candidateNotifier, &QSocketNotifier::activated, this,
                         [this] { examineCandidate(false); });
        m_graceTimer.start(CandidateGraceMs, this);
        examineCandidate(false);
    }
}

void IPCSocketListener::examineCandidate(bool graceOver)
{
    if (m_candidate < 0)
        return;
    switch (examine(m_candidate)) {
    case Arrival::Probe:
        dropCandidate();
        m_notifier->setEnabled(true);
        acceptPending();
        return;
    case Arrival::Undecided:
        if (!graceOver)
            return;
        break;
    case Arrival::Peer:
        break;
    }

    Descriptor peer(std::exchange(m_candidate, -1));
    stop();
    IPCSocketFailure result;
    IPCSocketTransport *connection = adopt(peer, parent(), "accept a peer on", m_path, &result);
    if (connection)
        emit peerArrived(connection);
    else
        emit failed(result);
}

void IPCSocketListener::dropCandidate()
{
    m_graceTimer.stop();
    delete m_candidateNotifier;
    m_candidateNotifier = nullptr;
    if (m_candidate >= 0)
        ::close(std::exchange(m_candidate, -1));
}

void IPCSocketListener::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_graceTimer.timerId())
        examineCandidate(true);
    else
        QObject::timerEvent(event);
}
