// SPDX-License-Identifier: BSD-3-Clause
#include "connections.h"
#include "portable.h"
#include "report.h"

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Bench {

namespace {

constexpr int SpinTimeoutMs = 10000;
const QByteArray Greeting = QByteArrayLiteral("hello");

// Times of one connection, in ns from just before connect().
struct SetUp
{
    double connectorConnected = 0;
    double listenerConnected = 0;
    double greeting = 0; // the first byte of the greeting, at the other side
};

enum class Speaker { Listener, Connector };

// Runs an event loop (deferred deletes included, as in an application)
// until done() holds; poke() is what the handlers call after each step.
class Waiter
{
public:
    explicit Waiter(std::function<bool()> done) : m_done(std::move(done)) { }
    void poke()
    {
        if (m_done())
            m_loop.quit();
    }
    bool wait()
    {
        if (m_done())
            return true;
        QTimer::singleShot(SpinTimeoutMs, &m_loop, [this] { m_loop.exit(1); });
        return m_loop.exec() == 0;
    }

private:
    std::function<bool()> m_done;
    QEventLoop m_loop;
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "ipcsocket-bench: connection case failed: %s\n", what);
    std::exit(2);
}

double elapsed(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed());
}

// --- raw AF_UNIX: blocking connect(), accept(), write(), read()

int rawListener(const QString &path)
{
    const int fd = Bench::unixStreamSocket();
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, QFile::encodeName(path).constData(),
                 sizeof(address.sun_path) - 1);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
        || ::listen(fd, SOMAXCONN) != 0)
        fail("raw listen");
    return fd;
}

int rawConnect(const QString &path)
{
    const int fd = Bench::unixStreamSocket();
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, QFile::encodeName(path).constData(),
                 sizeof(address.sun_path) - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0)
        fail("raw connect");
    return fd;
}

void rawSend(int fd)
{
    if (::write(fd, Greeting.constData(), size_t(Greeting.size())) != Greeting.size())
        fail("raw write");
}

void rawReceive(int fd)
{
    char buffer[16];
    if (::read(fd, buffer, sizeof(buffer)) <= 0)
        fail("raw read");
}

SetUp rawSetUp(const QString &path, Speaker speaker)
{
    const int listener = rawListener(path);
    SetUp times;
    QElapsedTimer clock;
    clock.start();
    const int client = rawConnect(path);
    times.connectorConnected = elapsed(clock);
    const int server = Bench::acceptConnection(listener);
    if (server < 0)
        fail("raw accept");
    times.listenerConnected = elapsed(clock);
    rawSend(speaker == Speaker::Listener ? server : client);
    rawReceive(speaker == Speaker::Listener ? client : server);
    times.greeting = elapsed(clock);
    ::close(client);
    ::close(server);
    ::close(listener);
    ::unlink(QFile::encodeName(path).constData());
    return times;
}

// --- QLocalServer / QLocalSocket

SetUp localSocketSetUp(const QString &path, Speaker speaker)
{
    QLocalServer server;
    server.setSocketOptions(QLocalServer::UserAccessOption);
    QLocalServer::removeServer(path);
    if (!server.listen(path))
        fail("QLocalServer::listen");
    QLocalSocket client;
    SetUp times;
    Waiter waiter([&] {
        return times.greeting > 0 && times.connectorConnected > 0 && times.listenerConnected > 0;
    });
    QElapsedTimer clock;
    QObject::connect(&client, &QLocalSocket::connected, &client, [&] {
        times.connectorConnected = elapsed(clock);
        if (speaker == Speaker::Connector)
            client.write(Greeting);
        waiter.poke();
    });
    QObject::connect(&server, &QLocalServer::newConnection, &server, [&] {
        QLocalSocket *accepted = server.nextPendingConnection();
        times.listenerConnected = elapsed(clock);
        if (speaker == Speaker::Listener)
            accepted->write(Greeting);
        else
            QObject::connect(accepted, &QLocalSocket::readyRead, accepted, [&] {
                times.greeting = elapsed(clock);
                waiter.poke();
            });
        waiter.poke();
    });
    QObject::connect(&client, &QLocalSocket::readyRead, &client, [&] {
        times.greeting = elapsed(clock);
        waiter.poke();
    });
    clock.start();
    client.connectToServer(path);
    if (!waiter.wait())
        fail("QLocalSocket set-up");
    return times;
}

// --- IPCSocket

SetUp ipcSocketSetUp(const QString &path, Speaker speaker)
{
    IPCSocket listener, client;
    listener.setPath(path);
    client.setPath(path);
    if (!listener.listen())
        fail("IPCSocket::listen");
    SetUp times;
    Waiter waiter([&] {
        return times.greeting > 0 && times.connectorConnected > 0 && times.listenerConnected > 0;
    });
    QElapsedTimer clock;
    QObject::connect(&client, &IPCSocket::connected, &client, [&] {
        times.connectorConnected = elapsed(clock);
        if (speaker == Speaker::Connector)
            client.write(Greeting);
        waiter.poke();
    });
    QObject::connect(&listener, &IPCSocket::connected, &listener, [&] {
        times.listenerConnected = elapsed(clock);
        if (speaker == Speaker::Listener)
            listener.write(Greeting);
        waiter.poke();
    });
    IPCSocket &hearer = speaker == Speaker::Listener ? client : listener;
    QObject::connect(&hearer, &IPCSocket::dataAvailable, &hearer, [&] {
        times.greeting = elapsed(clock);
        waiter.poke();
    });
    clock.start();
    if (!client.connect())
        fail("IPCSocket::connect");
    if (!waiter.wait())
        fail("IPCSocket set-up");
    return times;
}

// --- connections per second: connect, one round trip, close

double rawCycles(const QString &path, double seconds)
{
    const int listener = rawListener(path);
    qint64 cycles = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < qint64(seconds * 1000)) {
        const int client = rawConnect(path);
        const int server = Bench::acceptConnection(listener);
        rawSend(client);
        rawReceive(server);
        rawSend(server);
        rawReceive(client);
        ::close(client);
        ::close(server);
        ++cycles;
    }
    const double rate = double(cycles) / (double(clock.nsecsElapsed()) / 1e9);
    ::close(listener);
    ::unlink(QFile::encodeName(path).constData());
    return rate;
}

// Cycles one after another from the event loop, each started when the
// last one's echo came: start(next) begins a cycle and calls next() when
// its echo is there.
double eventLoopCycles(double seconds, const std::function<void(std::function<void()>)> &start)
{
    QEventLoop loop;
    qint64 cycles = 0;
    QElapsedTimer clock;
    std::function<void()> next = [&] {
        ++cycles;
        if (clock.elapsed() >= qint64(seconds * 1000)) {
            loop.quit();
            return;
        }
        // From the event loop, not from inside the last cycle's signal.
        QMetaObject::invokeMethod(
                &loop, [&] { start(next); }, Qt::QueuedConnection);
    };
    clock.start();
    QTimer::singleShot(0, &loop, [&] { start(next); });
    QTimer::singleShot(qint64(seconds * 1000) + SpinTimeoutMs, &loop, [&] { loop.exit(1); });
    if (loop.exec() != 0)
        fail("a connection cycle did not finish");
    return double(cycles) / (double(clock.nsecsElapsed()) / 1e9);
}

double localSocketCycles(const QString &path, double seconds)
{
    QLocalServer server;
    QLocalServer::removeServer(path);
    if (!server.listen(path))
        fail("QLocalServer::listen");
    QObject::connect(&server, &QLocalServer::newConnection, &server, [&] {
        while (QLocalSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QLocalSocket::readyRead, socket,
                             [socket] { socket->write(socket->readAll()); });
            QObject::connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
    return eventLoopCycles(seconds, [&](std::function<void()> done) {
        auto *client = new QLocalSocket(&server);
        QObject::connect(client, &QLocalSocket::connected, client,
                         [client] { client->write(Greeting); });
        QObject::connect(client, &QLocalSocket::readyRead, client, [client, done] {
            client->disconnectFromServer();
            client->deleteLater();
            done();
        });
        client->connectToServer(path);
    });
}

double ipcSocketCycles(const QString &path, double seconds)
{
    IPCServerSocket server;
    server.setPath(path);
    server.setMaximumSocketsConnected(0);
    QObject::connect(&server, &IPCServerSocket::peerConnected, &server, [](IPCSocket *socket) {
        QObject::connect(socket, &IPCSocket::dataAvailable, socket,
                         [socket] { socket->write(socket->readAll()); });
    });
    if (!server.listen())
        fail("IPCServerSocket::listen");
    return eventLoopCycles(seconds, [&](std::function<void()> done) {
        auto *client = new IPCSocket(&server);
        client->setPath(path);
        QObject::connect(client, &IPCSocket::connected, client,
                         [client] { client->write(Greeting); });
        QObject::connect(client, &IPCSocket::dataAvailable, client, [client, done] {
            client->close();
            client->deleteLater();
            done();
        });
        if (!client->connect())
            fail("IPCSocket::connect");
    });
}

struct Case
{
    const char *name;
    SetUp (*setUp)(const QString &, Speaker);
    double (*cycles)(const QString &, double);
};

const Case Cases[] = {
        {"raw-unix", rawSetUp, rawCycles},
        {"qlocalsocket", localSocketSetUp, localSocketCycles},
        {"ipcsocket", ipcSocketSetUp, ipcSocketCycles},
};
constexpr size_t CaseCount = sizeof(Cases) / sizeof(Cases[0]);
constexpr size_t Baseline = 1; // qlocalsocket

} // namespace

QJsonObject measureConnections(int rounds, double cyclesSeconds, int cpu, bool json)
{
    const Bench::CpuPin pin(cpu);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("connect.sock"));
    // [case][figure] over the rounds; figures: connector, listener,
    // listener speaks first, connector speaks first.
    QList<double> figures[CaseCount][4];
    for (int round = -1; round < rounds; ++round) { // round -1 warms up
        for (size_t c = 0; c < CaseCount; ++c) {
            const SetUp first = Cases[c].setUp(path, Speaker::Listener);
            const SetUp second = Cases[c].setUp(path, Speaker::Connector);
            if (round < 0)
                continue;
            figures[c][0].append(first.connectorConnected);
            figures[c][1].append(first.listenerConnected);
            figures[c][2].append(first.greeting);
            figures[c][3].append(second.greeting);
        }
    }
    QList<double> rates[CaseCount];
    for (int run = 0; run < 3; ++run) {
        for (size_t c = 0; c < CaseCount; ++c)
            rates[c].append(Cases[c].cycles(path, cyclesSeconds));
    }

    QJsonObject result;
    QList<QStringList> rows;
    const auto baseline = [&](int figure) { return median(figures[Baseline][figure]); };
    for (size_t c = 0; c < CaseCount; ++c) {
        double m[4];
        for (int f = 0; f < 4; ++f)
            m[f] = median(figures[c][f]);
        const double rate = median(rates[c]);
        result.insert(QLatin1String(Cases[c].name),
                      QJsonObject{{QStringLiteral("connectorConnectedNs"), m[0]},
                                  {QStringLiteral("listenerConnectedNs"), m[1]},
                                  {QStringLiteral("listenerSpeaksFirstNs"), m[2]},
                                  {QStringLiteral("connectorSpeaksFirstNs"), m[3]},
                                  {QStringLiteral("connectionsPerSecond"), rate}});
        rows.append({QLatin1String(Cases[c].name), formatNs(m[0]), formatNs(m[1]), formatNs(m[2]),
                     ratio(m[2], baseline(2)), formatNs(m[3]), ratio(m[3], baseline(3)),
                     QString::number(rate, 'f', 0), ratio(rate, median(rates[Baseline]))});
    }
    if (!json) {
        print(QStringLiteral("\nConnection set-up, one process and event loop, median of %1 "
                             "(from just before connect())")
                      .arg(rounds));
        printTable({{QStringLiteral("case"), 14},
                    {QStringLiteral("connector"), 11},
                    {QStringLiteral("listener"), 11},
                    {QStringLiteral("listener greets"), 16},
                    {QStringLiteral("/qls"), 7},
                    {QStringLiteral("connector greets"), 17},
                    {QStringLiteral("/qls"), 7},
                    {QStringLiteral("conn/s"), 8},
                    {QStringLiteral("/qls"), 0}},
                   rows);
        print(QStringLiteral("(connector/listener: connected() on that side; greets: the first "
                             "byte at the other side; conn/s: connect, one round trip, close, "
                             "median of 3 runs of %1 s; /qls: over bare QLocalSocket)")
                      .arg(cyclesSeconds));
    }
    return result;
}

} // namespace Bench
