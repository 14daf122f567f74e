// SPDX-License-Identifier: BSD-3-Clause
#include "../ipcsocket/peerprocess.h"

#include <socketfile.h>

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <vector>

#ifdef Q_OS_WIN
#include <QtCore/qt_windows.h>
#else
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

constexpr int Timeout = 20000;

// Descriptors on Unix, handles on Windows: what a leak would leave open.
int openDescriptors()
{
#ifdef Q_OS_WIN
    DWORD handles = 0;
    return GetProcessHandleCount(GetCurrentProcess(), &handles) ? int(handles) : -1;
#else
    // Linux lists them in /proc; elsewhere (macOS, FreeBSD: no /proc, and
    // FreeBSD's /dev/fd shows only 0 to 2 without fdescfs) every descriptor
    // below the limit is asked for.
    const QDir proc(QStringLiteral("/proc/self/fd"));
    if (proc.exists())
        return int(proc.entryList(QDir::Files | QDir::System).size());
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    const int highest = int(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
    int open = 0;
    for (int fd = 0; fd < highest; ++fd)
        open += ::fcntl(fd, F_GETFD) != -1 ? 1 : 0;
    return open;
#endif
}

// Why a test does not run on Windows (docs/platforms.md).
[[maybe_unused]] constexpr char NoStranger[]
        = "Under Wine every process runs as one user: there is no stranger to refuse (a second "
          "user needs a real Windows)";
[[maybe_unused]] constexpr char NoDescriptorLimit[]
        = "Windows has no per-process descriptor limit to use up (setrlimit)";
[[maybe_unused]] constexpr char NoHandleCount[]
        = "GetProcessHandleCount() counts no handles here (Wine answers 0): the leak checks count "
          "on a real Windows, and on Linux and macOS";

// A server that echoes every connection, as examples/echoserver does.
void echoEverything(IPCServerSocket *server)
{
    QObject::connect(server, &IPCServerSocket::peerConnected, server, [](IPCSocket *socket) {
        QObject::connect(socket, &IPCSocket::dataAvailable, socket,
                         [socket] { socket->write(socket->readAll()); });
    });
}

class TaggedSocket : public IPCSocket
{
    Q_OBJECT
public:
    using IPCSocket::IPCSocket;
    int tag = 0;
};

class TaggingServer : public IPCServerSocket
{
    Q_OBJECT
public:
    using IPCServerSocket::IPCServerSocket;
    int made = 0;

protected:
    IPCSocket *addSocket() override
    {
        auto *socket = new TaggedSocket(this);
        socket->tag = ++made;
        return socket;
    }
};

// Takes no peer while closed: addSocket() gives nothing.
class DoorServer : public IPCServerSocket
{
    Q_OBJECT
public:
    using IPCServerSocket::IPCServerSocket;
    bool open = false;

protected:
    IPCSocket *addSocket() override { return open ? IPCServerSocket::addSocket() : nullptr; }
};

} // namespace

class tst_IPCServerSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void defaults();
    void manyClientsEachGetTheirEcho();
    void foreignClients();
    void limitKeepsPeersWaitingInOrder();
    void addressInUseBothWays();
    void staleFileIsReplaced();
    void stopListeningKeepsConnections();
    void closeEndsEveryConnection();
    void endedConnectionsAreDeleted();
    void descriptorCountSeesEveryDescriptor();
    void noLeakOverManyCycles();
    void killedClientsDoNotDisturbOthers();
    void addSocketOverridden();
    void addSocketMayDecline();
    void deleteInsideSignals();
    void peerIdentity();
    void userOnlyRefusalKeepsServing();
    void pollWithoutEventLoop();
    void outOfDescriptorsGoesOn();
    void invalidPathAndState();

private:
    QString socketPath(const QString &name = QStringLiteral("s.sock")) const
    {
        return m_dir->filePath(name);
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_IPCServerSocket::init()
{
    m_dir = std::make_unique<QTemporaryDir>(
            SocketFile::temporaryFolderTemplate(QStringLiteral("ipcs")));
    QVERIFY(m_dir->isValid());
}

void tst_IPCServerSocket::defaults()
{
    IPCServerSocket server;
    QCOMPARE(server.path(), QString());
    QCOMPARE(server.accessMode(), IPCSocket::UserOnly);
    QCOMPARE(server.maximumSocketsConnected(), 10);
    QVERIFY(!server.isListening());
    QCOMPARE(server.handle(), qintptr(-1));
    QCOMPARE(server.lastErrorCode(), 0);
    QCOMPARE(server.connectionCount(), 0);
    QVERIFY(server.activeConnections().isEmpty());
}

void tst_IPCServerSocket::manyClientsEachGetTheirEcho()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    echoEverything(&server);
    QSignalSpy listening(&server, &IPCServerSocket::isListeningChanged);
    QVERIFY(server.listen());
    QCOMPARE(listening.size(), 1);
    QVERIFY(server.handle() >= 0);
    QVERIFY(SocketFile::exists(socketPath()));

    // In this process, and in other processes at once.
    constexpr int Clients = 12;
    std::vector<std::unique_ptr<IPCSocket>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<IPCSocket>());
        clients.back()->setPath(socketPath());
        QVERIFY(clients.back()->connect());
    }
    std::vector<std::unique_ptr<Peer>> sinks;
    for (int i = 0; i < 3; ++i)
        sinks.push_back(std::make_unique<Peer>(
                QStringList{QStringLiteral("connect"), socketPath(), QStringLiteral("sink")}));
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), Clients + 3, Timeout);
    for (int i = 0; i < Clients; ++i)
        clients[size_t(i)]->write(QByteArray("client ") + QByteArray::number(i));
    for (int i = 0; i < Clients; ++i) {
        const QByteArray expected = QByteArray("client ") + QByteArray::number(i);
        QTRY_COMPARE_WITH_TIMEOUT(clients[size_t(i)]->bytesAvailable(), qint64(expected.size()),
                                  Timeout);
        QCOMPARE(clients[size_t(i)]->readAll(), expected);
    }
    // The other processes hear of the end.
    server.close();
    for (auto &sink : sinks)
        QVERIFY(sink->waitForLine("received 0").startsWith("received 0"));
}

void tst_IPCServerSocket::foreignClients()
{
    // Several at once: Python's socket module and socat on Unix, plain
    // Win32 pipe clients (each in a thread of its own) on Windows.
    IPCServerSocket server;
    server.setPath(socketPath());
    echoEverything(&server);
    QVERIFY(server.listen());
#ifdef Q_OS_WIN
    std::vector<std::future<QByteArray>> clients;
    for (int i = 0; i < 5; ++i) {
        const QByteArray words = "win32 " + QByteArray::number(i);
        clients.push_back(SocketFile::startPlainPipeExchange(socketPath(), words, words.size()));
    }
    for (int i = 0; i < 5; ++i) {
        std::future<QByteArray> &client = clients[size_t(i)];
        QTRY_VERIFY_WITH_TIMEOUT(
                client.wait_for(std::chrono::seconds(0)) == std::future_status::ready, Timeout);
        QCOMPARE(client.get(), "win32 " + QByteArray::number(i));
    }
#else
    const QString script = QStringLiteral("import socket, sys\n"
                                          "s = socket.socket(socket.AF_UNIX)\n"
                                          "s.connect(sys.argv[1])\n"
                                          "s.sendall(sys.argv[2].encode())\n"
                                          "got = b''\n"
                                          "while len(got) < len(sys.argv[2]):\n"
                                          "    got += s.recv(100)\n"
                                          "print(got.decode())\n");
    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<QProcess>());
        clients.back()->start(
                QStringLiteral("python3"),
                {QStringLiteral("-c"), script, socketPath(), QStringLiteral("python %1").arg(i)});
    }
    QProcess socat;
    socat.start(QStringLiteral("socat"), {QStringLiteral("-t2"), QStringLiteral("-"),
                                          QStringLiteral("UNIX-CONNECT:%1").arg(socketPath())});
    QVERIFY(socat.waitForStarted(Timeout));
    socat.write("socat line\n");
    for (int i = 0; i < 4; ++i) {
        QProcess &client = *clients[size_t(i)];
        QTRY_VERIFY_WITH_TIMEOUT(client.state() == QProcess::NotRunning, Timeout);
        QCOMPARE(client.readAllStandardOutput().trimmed(),
                 QStringLiteral("python %1").arg(i).toUtf8());
    }
    QTRY_VERIFY_WITH_TIMEOUT(socat.canReadLine(), Timeout);
    QCOMPARE(socat.readLine(), QByteArray("socat line\n"));
    socat.closeWriteChannel();
    QVERIFY(socat.waitForFinished(Timeout));
#endif
}

void tst_IPCServerSocket::limitKeepsPeersWaitingInOrder()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(2);
    QList<QByteArray> firstWords;
    QObject::connect(&server, &IPCServerSocket::peerConnected, this, [&](IPCSocket *socket) {
        QObject::connect(socket, &IPCSocket::dataAvailable, socket,
                         [&firstWords, socket] { firstWords.append(socket->readAll()); });
    });
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<IPCSocket>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<IPCSocket>());
        clients.back()->setPath(socketPath());
        QVERIFY(clients.back()->connect()); // waits in the backlog beyond the limit
        clients.back()->write(QByteArray::number(i));
    }
    // The first two are taken (their words may come in either order).
    const auto sorted = [](QList<QByteArray> words) {
        std::sort(words.begin(), words.end());
        return words;
    };
    QTRY_COMPARE_WITH_TIMEOUT(firstWords.size(), 2, Timeout);
    QTest::qWait(100);
    QCOMPARE(server.connectionCount(), 2);
    QCOMPARE(sorted(firstWords), (QList<QByteArray>{"0", "1"}));

    // One ends: the next in line is taken.
    clients[0]->close();
    QTRY_COMPARE_WITH_TIMEOUT(firstWords.size(), 3, Timeout);
    QCOMPARE(firstWords.last(), QByteArray("2"));
    QCOMPARE(server.connectionCount(), 2);

    // Lowering closes none; raising (0: no limit) takes the rest at once.
    server.setMaximumSocketsConnected(1);
    QTest::qWait(50);
    QCOMPARE(server.connectionCount(), 2);
    server.setMaximumSocketsConnected(0);
    QTRY_COMPARE_WITH_TIMEOUT(firstWords.size(), 5, Timeout);
    QCOMPARE(sorted(firstWords.mid(3)), (QList<QByteArray>{"3", "4"}));
    QCOMPARE(server.connectionCount(), 4);
}

void tst_IPCServerSocket::addressInUseBothWays()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(!socket.listen());
    QCOMPARE(socket.lastErrorCode(), int(IPCSocket::AddressInUseError));
    IPCServerSocket second;
    second.setPath(socketPath());
    QSignalSpy errors(&second, &IPCServerSocket::error);
    QVERIFY(!second.listen());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::AddressInUseError));
    QVERIFY(errors.at(0).at(1).toString().contains(socketPath()));
    QCOMPARE(server.connectionCount(), 0); // nobody probed the live server
    server.close();

    // And the other way round, with a listener in another process.
    Peer listener({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QCOMPARE(listener.waitForLine("listening"), QByteArray("listening"));
    QVERIFY(!second.listen());
    QCOMPARE(second.lastErrorCode(), int(IPCSocket::AddressInUseError));
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QCOMPARE(listener.waitForLine("connected"), QByteArray("connected"));
}

void tst_IPCServerSocket::staleFileIsReplaced()
{
    // A server killed with SIGKILL leaves its files; the next one starts.
    Peer doomed({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QCOMPARE(doomed.waitForLine("listening"), QByteArray("listening"));
    doomed.kill();
    QVERIFY(doomed.waitForFinished(Timeout));
#ifdef Q_OS_UNIX
    QVERIFY(QFileInfo::exists(socketPath())); // on Windows the pipe went with the process
#endif
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Timeout);
}

void tst_IPCServerSocket::stopListeningKeepsConnections()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    echoEverything(&server);
    QVERIFY(server.listen());
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Timeout);
    server.stopListening();
    QVERIFY(!server.isListening());
    QCOMPARE(server.handle(), qintptr(-1));
    QVERIFY(!SocketFile::exists(socketPath()));
    QVERIFY(!QFileInfo::exists(socketPath() + QStringLiteral(".lock")));
    client.write(QByteArray("still here"));
    QTRY_COMPARE_WITH_TIMEOUT(client.bytesAvailable(), 10, Timeout);
    IPCSocket late;
    late.setPath(socketPath());
    QVERIFY(!late.connect());
    QCOMPARE(late.lastErrorCode(), int(IPCSocket::NameResolutionError));
}

void tst_IPCServerSocket::closeEndsEveryConnection()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    QVERIFY(server.listen());
    IPCSocket a, b;
    QSignalSpy aErrors(&a, &IPCSocket::error), bErrors(&b, &IPCSocket::error);
    for (IPCSocket *client : {&a, &b}) {
        client->setPath(socketPath());
        QVERIFY(client->connect());
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 2, Timeout);
    QSignalSpy serverErrors(&server, &IPCServerSocket::error);
    server.close();
    QCOMPARE(server.connectionCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(aErrors.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(bErrors.size(), 1, Timeout);
    QCOMPARE(aErrors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QCOMPARE(serverErrors.size(), 0); // the side that closes hears nothing
}

void tst_IPCServerSocket::endedConnectionsAreDeleted()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    QList<QPointer<IPCSocket>> taken;
    QByteArray lastWords;
    QObject::connect(&server, &IPCServerSocket::peerConnected, this, [&](IPCSocket *socket) {
        taken.append(socket);
        QCOMPARE(socket->parent(), &server);
        QVERIFY(socket->isConnected());
        QVERIFY(server.activeConnections().contains(socket));
        QObject::connect(socket, &IPCSocket::error, this, [&, socket](int code) {
            // Still readable in the 102 handler.
            if (code == IPCSocket::LostConnection)
                lastWords += socket->readAll();
        });
    });
    QVERIFY(server.listen());
    {
        IPCSocket a, b;
        a.setPath(socketPath());
        b.setPath(socketPath());
        QVERIFY(a.connect());
        QVERIFY(b.connect());
        QTRY_COMPARE_WITH_TIMEOUT(taken.size(), 2, Timeout);
        a.write(QByteArray("bye"));
        QVERIFY(a.flush());
        // The application keeps the second one.
        QObject keeper;
        taken.at(1)->setParent(&keeper);
        a.close();
        b.close();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(!taken.at(0), Timeout);
        QCOMPARE(lastWords, QByteArray("bye"));
        QTest::qWait(20);
        QVERIFY(taken.at(1)); // re-parented: not the server's to delete
        QVERIFY(!taken.at(1)->isConnected());
    }
    QVERIFY(!taken.at(1)); // the keeper took it along
}

// The leak checks below compare counts: a count that sees nothing (no
// /proc on macOS or FreeBSD) would let every leak through.
void tst_IPCServerSocket::descriptorCountSeesEveryDescriptor()
{
    const int before = openDescriptors();
#ifdef Q_OS_WIN
    if (before == 0)
        QSKIP(NoHandleCount);
#endif
    QVERIFY2(before >= 1, qPrintable(QStringLiteral("%1 open descriptors").arg(before)));
    QTemporaryDir dir;
    QFile first(dir.filePath(QStringLiteral("first")));
    QFile second(dir.filePath(QStringLiteral("second")));
    QVERIFY(first.open(QIODevice::WriteOnly));
    QCOMPARE(openDescriptors(), before + 1);
    QVERIFY(second.open(QIODevice::WriteOnly));
    QCOMPARE(openDescriptors(), before + 2);
    first.close();
    second.close();
    QCOMPARE(openDescriptors(), before);
}

void tst_IPCServerSocket::noLeakOverManyCycles()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    echoEverything(&server);
    QVERIFY(server.listen());
    const auto cycle = [&] {
        IPCSocket client;
        client.setPath(socketPath());
        if (!client.connect())
            return false;
        client.write(QByteArray("x"));
        QElapsedTimer clock;
        clock.start();
        while (client.bytesAvailable() < 1 && clock.elapsed() < Timeout)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
        return client.readAll() == "x";
    };
    for (int i = 0; i < 50; ++i) // warm up Qt's own caches
        QVERIFY(cycle());
    QTRY_COMPARE_WITH_TIMEOUT(server.children().size(), 1, Timeout); // the listener
    const int descriptors = openDescriptors();
#if defined(IPCSOCKET_SANITIZED) || defined(IPCSOCKET_EMULATED)
    constexpr int Cycles = 2000;
#else
    constexpr int Cycles = 10000;
#endif
    for (int i = 0; i < Cycles; ++i) {
        if (!cycle())
            QFAIL(qPrintable(QStringLiteral("cycle %1 failed").arg(i)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(server.children().size(), 1, Timeout);
    QCOMPARE(openDescriptors(), descriptors);
}

void tst_IPCServerSocket::killedClientsDoNotDisturbOthers()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    echoEverything(&server);
    QVERIFY(server.listen());
    IPCSocket steady;
    steady.setPath(socketPath());
    QVERIFY(steady.connect());
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Timeout);
    const int descriptors = openDescriptors();
    for (int round = 0; round < 5; ++round) {
        std::vector<std::unique_ptr<Peer>> flooders;
        for (int i = 0; i < 4; ++i)
            flooders.push_back(std::make_unique<Peer>(
                    QStringList{QStringLiteral("connect"), socketPath(), QStringLiteral("flood")}));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 5, Timeout);
        QTest::qWait(30); // mid-write
        for (auto &flooder : flooders)
            flooder->kill();
        steady.write(QByteArray("round ") + QByteArray::number(round));
        QTRY_COMPARE_WITH_TIMEOUT(steady.bytesAvailable(), 7, Timeout);
        QCOMPARE(steady.readAll(), QByteArray("round ") + QByteArray::number(round));
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, Timeout);
    }
    QVERIFY(server.isListening());
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), descriptors, Timeout);
}

void tst_IPCServerSocket::addSocketOverridden()
{
    TaggingServer server;
    server.setPath(socketPath());
    QList<int> tags;
    QObject::connect(&server, &IPCServerSocket::peerConnected, this, [&](IPCSocket *socket) {
        auto *tagged = qobject_cast<TaggedSocket *>(socket);
        QVERIFY(tagged);
        tags.append(tagged->tag);
    });
    QVERIFY(server.listen());
    IPCSocket a, b;
    a.setPath(socketPath());
    b.setPath(socketPath());
    QVERIFY(a.connect());
    QVERIFY(b.connect());
    QTRY_COMPARE_WITH_TIMEOUT(tags.size(), 2, Timeout);
    QCOMPARE(tags, (QList<int>{1, 2}));
}

void tst_IPCServerSocket::addSocketMayDecline()
{
    // No socket for a peer: its connection is closed (a peer that left,
    // for it), nothing is announced, and the server goes on.
    DoorServer server;
    server.setPath(socketPath());
    QSignalSpy connected(&server, &IPCServerSocket::peerConnected);
    QVERIFY(server.listen());
    IPCSocket turnedAway;
    QSignalSpy errors(&turnedAway, &IPCSocket::error);
    turnedAway.setPath(socketPath());
    QVERIFY(turnedAway.connect());
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QCOMPARE(connected.size(), 0);
    QCOMPARE(server.connectionCount(), 0);
    QVERIFY(server.isListening());

    server.open = true;
    IPCSocket welcome;
    welcome.setPath(socketPath());
    QVERIFY(welcome.connect());
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QCOMPARE(server.connectionCount(), 1);
}

void tst_IPCServerSocket::deleteInsideSignals()
{
    // The application deletes a connection in its own signal...
    auto *server = new IPCServerSocket;
    server->setPath(socketPath());
    server->setMaximumSocketsConnected(0);
    QObject::connect(server, &IPCServerSocket::peerConnected, this, [](IPCSocket *socket) {
        QObject::connect(socket, &IPCSocket::dataAvailable, socket, [socket] { delete socket; });
    });
    QVERIFY(server->listen());
    IPCSocket a;
    QSignalSpy aErrors(&a, &IPCSocket::error);
    a.setPath(socketPath());
    QVERIFY(a.connect());
    QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 1, Timeout);
    a.write(QByteArray("go away"));
    QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(aErrors.size(), 1, Timeout);

    // ...and the server in peerConnected, with connections alive.
    IPCSocket b;
    b.setPath(socketPath());
    QVERIFY(b.connect());
    QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 1, Timeout);
    QPointer<IPCServerSocket> guard(server);
    QObject::connect(server, &IPCServerSocket::peerConnected, this, [server] { delete server; });
    IPCSocket c;
    QSignalSpy cErrors(&c, &IPCSocket::error);
    c.setPath(socketPath());
    QVERIFY(c.connect());
    QTRY_VERIFY_WITH_TIMEOUT(!guard, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(cErrors.size(), 1, Timeout);
    QVERIFY(!SocketFile::exists(socketPath()));
}

void tst_IPCServerSocket::peerIdentity()
{
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    QList<QPointer<IPCSocket>> taken;
    QObject::connect(&server, &IPCServerSocket::peerConnected, this,
                     [&](IPCSocket *socket) { taken.append(socket); });
    QVERIFY(letOthersIn(m_dir->path()));
    server.setAccessMode(IPCSocket::WorldAccess);
    QVERIFY(server.listen());
    IPCSocket local;
    local.setPath(socketPath());
    QVERIFY(local.connect());
    QTRY_COMPARE_WITH_TIMEOUT(taken.size(), 1, Timeout);
    QCOMPARE(taken.at(0)->peerProcessId(), QCoreApplication::applicationPid());
    QCOMPARE(taken.at(0)->peerUserId(), SocketFile::currentUserId());
    QCOMPARE(taken.at(0)->peerGroupId(), SocketFile::currentGroupId());

    QStringList arguments{QStringLiteral("connect"), socketPath(), QStringLiteral("echo")};
    const bool asRoot = SocketFile::currentUserId() == 0;
    if (asRoot)
        arguments.append(QStringLiteral("--as-nobody"));
    Peer other(arguments);
    const qint64 pid = other.processId();
    QTRY_COMPARE_WITH_TIMEOUT(taken.size(), 2, Timeout);
    QCOMPARE(taken.at(1)->peerProcessId(), pid);
    QCOMPARE(taken.at(1)->peerUserId(), asRoot ? 65534 : SocketFile::currentUserId());
}

void tst_IPCServerSocket::userOnlyRefusalKeepsServing()
{
#ifdef Q_OS_WIN
    QSKIP(NoStranger);
#endif
    if (SocketFile::currentUserId() != 0)
        QSKIP("Only root can play a stranger; CI runs this as root");
    QVERIFY(letOthersIn(m_dir->path()));
    IPCServerSocket server;
    server.setPath(socketPath());
    QSignalSpy connected(&server, &IPCServerSocket::peerConnected);
    QSignalSpy errors(&server, &IPCServerSocket::error);
    QVERIFY(server.listen());
    QVERIFY(QFile::setPermissions(socketPath(), QFileDevice::Permissions(0x6666)));
    Peer stranger({QStringLiteral("connect"), socketPath(), QStringLiteral("echo"),
                   QStringLiteral("--as-nobody")});
    const qint64 pid = stranger.processId();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::PermissionDeniedError));
    const QString message = errors.at(0).at(1).toString();
    QVERIFY2(message.contains(socketPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("user 65534")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("process %1").arg(pid)), qPrintable(message));
    QVERIFY(stranger.waitForLine("error 102").startsWith("error 102"));
    QCOMPARE(connected.size(), 0);
    QVERIFY(server.isListening());
    IPCSocket friendly;
    friendly.setPath(socketPath());
    QVERIFY(friendly.connect());
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
}

void tst_IPCServerSocket::pollWithoutEventLoop()
{
    // No QTRY_ here: only poll() runs.
    IPCServerSocket server;
    server.setPath(socketPath());
    QList<QPointer<IPCSocket>> taken;
    QObject::connect(&server, &IPCServerSocket::peerConnected, this, [&](IPCSocket *socket) {
        taken.append(socket);
        socket->write(QByteArray("hello"));
    });
    QVERIFY(server.listen());
    IPCSocket a, b;
    for (IPCSocket *client : {&a, &b}) {
        client->setPath(socketPath());
        QVERIFY(client->connect());
    }
    server.poll();
    QCOMPARE(taken.size(), 2);
    for (int i = 0; i < 5000 && (a.bytesAvailable() < 5 || b.bytesAvailable() < 5); ++i) {
        a.poll();
        b.poll();
        QThread::usleep(200);
    }
    QCOMPARE(a.readAll(), QByteArray("hello"));
    QCOMPARE(b.readAll(), QByteArray("hello"));
    a.close();
    for (int i = 0; i < 5000 && server.connectionCount() > 1; ++i) {
        server.poll();
        QThread::usleep(200);
    }
    QCOMPARE(server.connectionCount(), 1);
    // Deleted by later poll()s, with no event loop.
    for (int i = 0; i < 3; ++i)
        server.poll();
    QVERIFY(!taken.at(0));
    QVERIFY(taken.at(1));
}

void tst_IPCServerSocket::outOfDescriptorsGoesOn()
{
#ifdef IPCSOCKET_SANITIZED
    QSKIP("UBSan checks memory through a pipe(2); with no descriptor left it reports "
          "false errors. The normal build runs this test.");
#endif
#ifdef Q_OS_WIN
    QSKIP(NoDescriptorLimit);
#else
    IPCServerSocket server;
    server.setPath(socketPath());
    QSignalSpy errors(&server, &IPCServerSocket::error);
    QSignalSpy connected(&server, &IPCServerSocket::peerConnected);
    QVERIFY(server.listen());
    // The peers connect into the backlog while this process has descriptors
    // enough to start them; then every one it may have is taken.
    Peer first({QStringLiteral("connect"), socketPath(), QStringLiteral("echo")});
    Peer second({QStringLiteral("connect"), socketPath(), QStringLiteral("echo")});
    // Started for QProcess too, which lets go of a descriptor then.
    QVERIFY(first.waitForStarted(Timeout));
    QVERIFY(second.waitForStarted(Timeout));
    rlimit old;
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &old), 0);
    const rlimit tight = {rlim_t(openDescriptors() + 8), old.rlim_max};
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &tight), 0);
    std::vector<int> hogs;
    const auto takeEveryDescriptor = [&hogs] {
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
            hogs.push_back(fd);
    };
    takeEveryDescriptor();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    // QProcess may have let go of a descriptor meanwhile: none left again.
    takeEveryDescriptor();
    const qsizetype takenBefore = connected.size();
    QTest::qWait(300); // several retries: still one error, and no busy loop
    const qsizetype takenMeanwhile = connected.size();
    const qsizetype errorsMeanwhile = errors.size();
    for (const int fd : hogs)
        ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &old);
    QCOMPARE(takenMeanwhile, takenBefore);
    QCOMPARE(errorsMeanwhile, 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::OpenDriverError));
    QVERIFY(errors.at(0).at(1).toString().contains(socketPath()));
    // Descriptors again: both peers are taken, the server never stopped.
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, Timeout);
    QVERIFY(server.isListening());
#endif
}

void tst_IPCServerSocket::invalidPathAndState()
{
    IPCServerSocket server;
    QSignalSpy errors(&server, &IPCServerSocket::error);
    QVERIFY(!server.listen());
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidPathError));
    server.setPath(m_dir->filePath(QStringLiteral("missing/s.sock")));
    QVERIFY(!server.listen());
    QCOMPARE(server.lastErrorCode(), int(IPCSocket::InvalidPathError));
    QVERIFY(errors.last().at(1).toString().contains(server.path()));
    server.setPath(socketPath());
    QVERIFY(server.listen());
    QVERIFY(!server.listen());
    QCOMPARE(server.lastErrorCode(), int(IPCSocket::InvalidStateError));
    QVERIFY(server.isListening());
}

QTEST_GUILESS_MAIN(tst_IPCServerSocket)
#include "tst_ipcserversocket.moc"
