// SPDX-License-Identifier: BSD-3-Clause
//
// Many connections on one thread: the event loop watches one descriptor for
// all of them (an epoll or kqueue set), whatever their number, and every
// behaviour of a connection stays as it was: slots that close others, nested
// event loops, a notifier of the user's own on handle(), a connection moved
// to another thread and back.

#include <workerthread.h>

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qpointer.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef Q_OS_LINUX
#include <dlfcn.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>

// How many descriptors the event loop asks the system about at a time:
// this executable's poll() and ppoll() come before the C library's for every
// library it loads (GLib's dispatcher calls poll(), Qt's own ppoll()).
namespace {
std::atomic<bool> counting{false};
std::atomic<unsigned long> mostPolled{0};
std::atomic<int> pollCalls{0};
pthread_t countedThread;

template<typename Function>
Function next(const char *name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

void count(nfds_t descriptors)
{
    if (!counting.load(std::memory_order_relaxed) || !pthread_equal(pthread_self(), countedThread))
        return;
    pollCalls.fetch_add(1, std::memory_order_relaxed);
    unsigned long most = mostPolled.load(std::memory_order_relaxed);
    while (descriptors > most && !mostPolled.compare_exchange_weak(most, descriptors)) { }
}
} // namespace

extern "C" {
Q_DECL_EXPORT int poll(pollfd *fds, nfds_t nfds, int timeout)
{
    static const auto real = next<int (*)(pollfd *, nfds_t, int)>("poll");
    count(nfds);
    return real(fds, nfds, timeout);
}
Q_DECL_EXPORT int ppoll(pollfd *fds, nfds_t nfds, const timespec *timeout, const sigset_t *mask)
{
    static const auto real
            = next<int (*)(pollfd *, nfds_t, const timespec *, const sigset_t *)>("ppoll");
    count(nfds);
    return real(fds, nfds, timeout, mask);
}
}
#endif

namespace {

constexpr int Timeout = 20000;

// Enough for a thread's descriptors to go into the kernel's set.
constexpr int ManyPeers = 20;

#ifdef MSG_NOSIGNAL
constexpr int SendFlags = MSG_NOSIGNAL;
#else
constexpr int SendFlags = 0; // macOS: every peer here outlives its sends
#endif

// Both ends of every connection are in this process: two descriptors a
// peer, more than the usual soft limit of 1024 for the larger cases.
bool raiseDescriptorLimit(rlim_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return false;
    if (limit.rlim_cur >= wanted)
        return true;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted)
        return false;
    limit.rlim_cur = wanted;
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// A peer that is not an IPCSocket: a plain AF_UNIX socket of this process,
// read without waiting so that the event loop here serves the other end.
class RawPeer
{
public:
    explicit RawPeer(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
        if (m_fd >= 0
            && ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address))
                       != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
        if (m_fd >= 0)
            ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    }
    ~RawPeer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Q_DISABLE_COPY_MOVE(RawPeer)

    bool isValid() const { return m_fd >= 0; }
    bool send(const QByteArray &bytes) const
    {
        return ::send(m_fd, bytes.constData(), size_t(bytes.size()), SendFlags) == bytes.size();
    }
    // What has arrived so far, added up.
    const QByteArray &received()
    {
        char buffer[4096];
        ssize_t n;
        while ((n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT)) > 0)
            m_received.append(buffer, qsizetype(n));
        return m_received;
    }
    void forget() { m_received.clear(); }

private:
    int m_fd = -1;
    QByteArray m_received;
};

// An IPCServerSocket that echoes every connection and keeps count of them.
class EchoServer : public IPCServerSocket
{
public:
    explicit EchoServer(const QString &socketPath)
    {
        setPath(socketPath);
        setMaximumSocketsConnected(0);
        QObject::connect(this, &IPCServerSocket::peerConnected, this, [](IPCSocket *socket) {
            QObject::connect(socket, &IPCSocket::dataAvailable, socket,
                             [socket] { socket->write(socket->readAll()); });
        });
    }
};

// N plain peers connected to the server and announced by it.
std::vector<std::unique_ptr<RawPeer>> connectPeers(IPCServerSocket *server, int count)
{
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (int i = 0; i < count; ++i) {
        peers.push_back(std::make_unique<RawPeer>(server->path()));
        if (!peers.back()->isValid())
            return {};
        // Taken as they come: the backlog never fills.
        if (i % 64 == 63)
            QCoreApplication::processEvents();
    }
    QDeadlineTimer deadline(Timeout);
    while (server->connectionCount() < count && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (server->connectionCount() != count)
        return {};
    return peers;
}

using Worker = WorkerThread;

// Echoes in whatever thread its socket lives, and says where it ran.
class ThreadedEcho : public QObject
{
    Q_OBJECT
public:
    explicit ThreadedEcho(IPCSocket *socket) : m_socket(socket)
    {
        QObject::connect(socket, SIGNAL(dataAvailable()), this, SLOT(echo()), Qt::DirectConnection);
    }
    QThread *lastThread()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_lastThread;
    }

private Q_SLOTS:
    void echo()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_lastThread = QThread::currentThread();
        }
        m_socket->write(m_socket->readAll());
    }

private:
    IPCSocket *m_socket;
    std::mutex m_mutex;
    QThread *m_lastThread = nullptr;
};

} // namespace

class tst_IPCSocketEventSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void eventLoopWatchesOneDescriptor();
    void fewPeersHaveNotifiersOfTheirOwn();
    void manyReadyInOneWakeUp();
    void slotClosesAnotherReadyConnection();
    void nestedEventLoopInSlot();
    void userNotifierOnHandle();
    void connectionMovesToAnotherThread();
    void socketOutlivesItsThread();
    void idlePeersHoldNoBuffers();

private:
    QString socketPath() const { return m_dir->filePath(QStringLiteral("s")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_IPCSocketEventSource::initTestCase()
{
    QVERIFY2(raiseDescriptorLimit(4096),
             "cannot raise RLIMIT_NOFILE to 4096: this suite needs two descriptors a peer");
}

void tst_IPCSocketEventSource::init()
{
    m_dir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/ipceventsource-XXXXXX"));
    QVERIFY(m_dir->isValid());
}

#ifdef Q_OS_LINUX
// The most descriptors the event loop polled at once during round trips on
// one peer; 0 if a round trip failed or the loop was not seen polling.
unsigned long polledDuringRoundTrips(RawPeer *busy, int roundTrips)
{
    countedThread = pthread_self();
    mostPolled = 0;
    pollCalls = 0;
    counting = true;
    for (int i = 0; i < roundTrips; ++i) {
        busy->forget();
        const QByteArray ping(16, char('a' + i % 26));
        if (!busy->send(ping)) {
            counting = false;
            return 0;
        }
        QDeadlineTimer deadline(Timeout);
        while (busy->received() != ping && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        if (busy->received() != ping) {
            counting = false;
            return 0;
        }
    }
    counting = false;
    return pollCalls.load() > 0 ? mostPolled.load() : 0;
}
#endif

void tst_IPCSocketEventSource::fewPeersHaveNotifiersOfTheirOwn()
{
#ifndef Q_OS_LINUX
    QSKIP("The system calls of the event loop are counted on Linux only");
#else
    if (!qEnvironmentVariableIsEmpty("IPCSOCKET_EVENT_SOURCE"))
        QSKIP("IPCSOCKET_EVENT_SOURCE chooses the way for every number of peers");
    // A few connections are watched by the event loop directly (the set
    // would cost a system call more a wake-up); many go into the set, and
    // out of it again when they are few. No byte is lost on the way.
    EchoServer server(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers;
    const auto addPeer = [&] {
        peers.push_back(std::make_unique<RawPeer>(socketPath()));
        return peers.back()->isValid();
    };
    for (int i = 0; i < 3; ++i)
        QVERIFY(addPeer());
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 3, Timeout);
    // The listener and three connections, each polled.
    QVERIFY(polledDuringRoundTrips(peers.back().get(), 5) >= 4);

    // Into the set one peer at a time, a round trip on every peer each time.
    for (int i = 3; i < ManyPeers; ++i) {
        QVERIFY(addPeer());
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), i + 1, Timeout);
        for (const auto &peer : peers)
            QVERIFY(polledDuringRoundTrips(peer.get(), 1) > 0);
    }
    const unsigned long many = polledDuringRoundTrips(peers.front().get(), 5);
    QVERIFY2(many > 0 && many < 8, qPrintable(QString::number(many)));

    // And out again, one peer at a time.
    while (peers.size() > 2) {
        peers.pop_back();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), int(peers.size()), Timeout);
        for (const auto &peer : peers)
            QVERIFY(polledDuringRoundTrips(peer.get(), 1) > 0);
    }
    QVERIFY(polledDuringRoundTrips(peers.back().get(), 5) >= 3);
#endif
}

void tst_IPCSocketEventSource::eventLoopWatchesOneDescriptor()
{
#ifndef Q_OS_LINUX
    QSKIP("The system calls of the event loop are counted on Linux only");
#else
    if (qEnvironmentVariable("IPCSOCKET_EVENT_SOURCE") == QLatin1String("notifiers"))
        QSKIP("IPCSOCKET_EVENT_SOURCE=notifiers: one notifier a connection, which this test "
              "shows the cost of");
    if (qEnvironmentVariable("IPCSOCKET_TRANSPORT") == QLatin1String("qlocalsocket"))
        QSKIP("QLocalSocket has a notifier a connection");
    constexpr int Peers = 400;
    EchoServer server(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers = connectPeers(&server, Peers);
    QCOMPARE(int(peers.size()), Peers);

    // Round trips on one connection while the others are idle.
    countedThread = pthread_self();
    mostPolled = 0;
    pollCalls = 0;
    counting = true;
    RawPeer &busy = *peers[Peers / 2];
    for (int i = 0; i < 20; ++i) {
        busy.forget();
        QVERIFY(busy.send(QByteArray(16, char('a' + i))));
        QTRY_COMPARE_WITH_TIMEOUT(busy.received(), QByteArray(16, char('a' + i)), Timeout);
    }
    counting = false;
    // It did count: the loop asked the system while it waited.
    QVERIFY(pollCalls.load() > 0);
    qInfo("%d calls polled at most %lu descriptors with %d connections", pollCalls.load(),
          mostPolled.load(), Peers);
    // The dispatcher's own wake-up descriptor, the set, and a few of Qt's:
    // not one a connection.
    QVERIFY2(mostPolled.load() < 16,
             qPrintable(QStringLiteral("the event loop polled %1 descriptors at once with %2 "
                                       "connections")
                                .arg(mostPolled.load())
                                .arg(Peers)));
#endif
}

void tst_IPCSocketEventSource::manyReadyInOneWakeUp()
{
    // More than one wake-up takes from the kernel: the rest are served by
    // the next ones, none is lost.
    constexpr int Peers = 600;
    EchoServer server(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers = connectPeers(&server, Peers);
    QCOMPARE(int(peers.size()), Peers);
    for (int i = 0; i < Peers; ++i)
        QVERIFY(peers[size_t(i)]->send(QByteArray::number(i).rightJustified(8, '.')));
    const auto allEchoed = [&] {
        for (int i = 0; i < Peers; ++i) {
            if (peers[size_t(i)]->received().size() < 8)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allEchoed(), Timeout);
    for (int i = 0; i < Peers; ++i)
        QCOMPARE(peers[size_t(i)]->received(), QByteArray::number(i).rightJustified(8, '.'));
}

void tst_IPCSocketEventSource::slotClosesAnotherReadyConnection()
{
    // Both connections are ready in the same wake-up; the first one served
    // deletes the other and connects a new one, which may get the deleted
    // one's descriptor number. Nothing of the old one reaches anyone.
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers = connectPeers(&server, 2);
    QCOMPARE(int(peers.size()), 2);
    QList<IPCSocket *> connections = server.activeConnections();
    QCOMPARE(connections.size(), 2);
    QPointer<IPCSocket> first = connections.at(0), second = connections.at(1);
    int served = 0;
    std::unique_ptr<IPCSocket> newcomer;
    for (IPCSocket *socket : connections) {
        QObject::connect(socket, &IPCSocket::dataAvailable, this, [&, socket] {
            ++served;
            IPCSocket *other = socket == first ? second : first;
            socket->readAll();
            delete other;
            if (!newcomer) {
                newcomer = std::make_unique<IPCSocket>();
                newcomer->setPath(socketPath());
                newcomer->connect();
            }
        });
    }
    QVERIFY(peers[0]->send("one"));
    QVERIFY(peers[1]->send("two"));
    QTRY_VERIFY_WITH_TIMEOUT(newcomer && newcomer->isConnected(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Timeout); // one left, one new
    QCOMPARE(served, 1);
    QVERIFY(!first != !second);
    // The new connection works both ways.
    QSignalSpy arrived(newcomer.get(), &IPCSocket::dataAvailable);
    IPCSocket *fresh = nullptr;
    for (IPCSocket *socket : server.activeConnections()) {
        if (socket != first && socket != second)
            fresh = socket;
    }
    QVERIFY(fresh);
    QCOMPARE(fresh->write("hello"), qint64(5));
    QTRY_COMPARE_WITH_TIMEOUT(newcomer->bytesAvailable(), qint64(5), Timeout);
    QCOMPARE(newcomer->readAll(), QByteArray("hello"));
}

void tst_IPCSocketEventSource::nestedEventLoopInSlot()
{
    // A slot of one connection runs an event loop of its own (a dialog, a
    // wait): the other connections are served inside it.
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers = connectPeers(&server, 2);
    QCOMPARE(int(peers.size()), 2);
    const QList<IPCSocket *> connections = server.activeConnections();
    QByteArray seenInside;
    bool nested = false;
    QObject::connect(connections.at(0), &IPCSocket::dataAvailable, this, [&] {
        connections.at(0)->readAll();
        if (std::exchange(nested, true))
            return;
        QEventLoop loop;
        QTimer::singleShot(Timeout, &loop, &QEventLoop::quit);
        QObject::connect(connections.at(1), &IPCSocket::dataAvailable, &loop, [&] {
            seenInside += connections.at(1)->readAll();
            if (seenInside == "second")
                loop.quit();
        });
        QVERIFY(peers[1]->send("second"));
        loop.exec();
    });
    QVERIFY(peers[0]->send("first"));
    QTRY_VERIFY_WITH_TIMEOUT(nested, Timeout);
    QCOMPARE(seenInside, QByteArray("second"));
    // And the first connection still works after.
    connections.at(0)->write("after");
    QTRY_COMPARE_WITH_TIMEOUT(peers[0]->received(), QByteArray("after"), Timeout);
}

void tst_IPCSocketEventSource::userNotifierOnHandle()
{
    // A notifier of the application's own on handle() works beside the
    // socket's once the thread's connections are in the set (with a
    // notifier each, Qt's own dispatcher takes one a descriptor and kind).
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> peers = connectPeers(&server, ManyPeers);
    QCOMPARE(int(peers.size()), ManyPeers);
    IPCSocket *socket = server.activeConnections().at(0);
    QSocketNotifier mine(socket->handle(), QSocketNotifier::Read);
    QSignalSpy activated(&mine, &QSocketNotifier::activated);
    QSignalSpy dataAvailable(socket, &IPCSocket::dataAvailable);
    QVERIFY(peers[0]->send("ping"));
    QTRY_VERIFY_WITH_TIMEOUT(activated.size() > 0 && dataAvailable.size() > 0, Timeout);
    QCOMPARE(socket->readAll(), QByteArray("ping"));
    mine.setEnabled(false);
}

void tst_IPCSocketEventSource::connectionMovesToAnotherThread()
{
    // A connection taken here moves to a worker thread, is served there, and
    // comes back; its bytes are never lost or served by the wrong thread.
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
    RawPeer peer(socketPath());
    QVERIFY(peer.isValid());
    QTRY_VERIFY_WITH_TIMEOUT(listener.isConnected(), Timeout);
    ThreadedEcho echo(&listener);

    const auto roundTrip = [&](const QByteArray &bytes) {
        peer.forget();
        if (!peer.send(bytes))
            return false;
        QDeadlineTimer deadline(Timeout);
        while (peer.received() != bytes && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        return peer.received() == bytes;
    };
    QVERIFY(roundTrip("here"));
    QCOMPARE(echo.lastThread(), QThread::currentThread());

    Worker worker;
    for (int i = 0; i < 5; ++i) {
        // Bytes that arrive while it moves are served in its new thread.
        peer.forget();
        QVERIFY(peer.send("moving"));
        echo.moveToThread(worker.workerThread());
        listener.moveToThread(worker.workerThread());
        QDeadlineTimer deadline(Timeout);
        while (peer.received() != "moving" && !deadline.hasExpired())
            QThread::msleep(1);
        QCOMPARE(peer.received(), QByteArray("moving"));
        QCOMPARE(echo.lastThread(), worker.workerThread());
        peer.forget();
        QVERIFY(peer.send("there"));
        deadline = QDeadlineTimer(Timeout);
        while (peer.received() != "there" && !deadline.hasExpired())
            QThread::msleep(1);
        QCOMPARE(peer.received(), QByteArray("there"));

        QThread *home = QThread::currentThread();
        worker.run([&] {
            echo.moveToThread(home);
            listener.moveToThread(home);
        });
        QVERIFY(roundTrip("back"));
        QCOMPARE(echo.lastThread(), home);
    }
}

void tst_IPCSocketEventSource::socketOutlivesItsThread()
{
    // A socket made in a thread that ends before it is deleted: the
    // thread's set goes with its event loop, the socket later without a
    // trace.
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    std::unique_ptr<IPCSocket> orphan;
    bool connected = false;
    {
        Worker worker;
        worker.run([&] {
            orphan = std::make_unique<IPCSocket>();
            orphan->setPath(socketPath());
            connected = orphan->connect();
        });
        QVERIFY(connected);
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Timeout);
    }
    QVERIFY(orphan->isConnected());
    orphan.reset();
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, Timeout);
}

void tst_IPCSocketEventSource::idlePeersHoldNoBuffers()
{
#if !defined(Q_OS_LINUX) || defined(IPCSOCKET_SANITIZED)
    QSKIP("The heap is measured with glibc's mallinfo2(), which a sanitizer's allocator does "
          "not keep");
#else
    // Each peer has said something and been answered, then stays idle: its
    // connection keeps no buffer of its own (a server with thousands of
    // them would pay for each), only its objects.
    constexpr int Peers = 1000;
    constexpr double MostKiBAPeer = 8;
    EchoServer server(socketPath());
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<RawPeer>> first = connectPeers(&server, 1);
    QCOMPARE(int(first.size()), 1);
    QVERIFY(first[0]->send(QByteArray(16, 'w')));
    QTRY_COMPARE_WITH_TIMEOUT(first[0]->received().size(), qsizetype(16), Timeout);
    const size_t before = mallinfo2().uordblks;
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (int i = 0; i < Peers; ++i) {
        peers.push_back(std::make_unique<RawPeer>(socketPath()));
        QVERIFY(peers.back()->isValid());
        QVERIFY(peers.back()->send(QByteArray(16, 'p')));
        QTRY_COMPARE_WITH_TIMEOUT(peers.back()->received().size(), qsizetype(16), Timeout);
    }
    QCOMPARE(server.connectionCount(), Peers + 1);
    const double kibAPeer = double(mallinfo2().uordblks - before) / 1024 / Peers;
    qInfo("%.1f KiB of heap an idle peer", kibAPeer);
    QVERIFY2(kibAPeer <= MostKiBAPeer,
             qPrintable(QStringLiteral("%1 KiB of heap an idle peer").arg(kibAPeer)));
#endif
}

QTEST_GUILESS_MAIN(tst_IPCSocketEventSource)
#include "tst_ipcsocketeventsource.moc"
