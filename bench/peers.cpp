// SPDX-License-Identifier: BSD-3-Clause
#include "peers.h"
#include "report.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qhash.h>
#include <QtCore/qjsonobject.h>

#include <cstdio>
#include <cstring>

#if defined(__linux__)
#include "support.h"

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qeventloop.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

#include <algorithm>
#include <cstdarg>
#include <optional>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#endif

namespace Bench {

bool isPeersRole(const char *role)
{
    return qstrcmp(role, "peers-server") == 0 || qstrcmp(role, "peers-client") == 0;
}

#if !defined(__linux__)

QJsonArray measurePeers(const PeersOptions &options, bool *)
{
    if (!options.json)
        print(QStringLiteral("\nPeers on one server: Linux only (its floor is a raw epoll "
                             "server)"));
    return {};
}

int runPeersRole(int, char **)
{
    std::fputs("ipcsocket-bench: the peers table is Linux only\n", stderr);
    return 2;
}

#else

namespace {

// The servers compared, in the order of the table.
const char *const ServerNames[] = {"epoll", "qlocalserver", "ipcserversocket"};
constexpr int ServerCount = int(std::size(ServerNames));
// Descriptors a process needs besides one a peer (Qt's own, the listener,
// epoll, stdio), with room to spare.
constexpr int DescriptorMargin = 64;
constexpr qint64 PingBytes = 16;
const char Ping[PingBytes + 1] = "ping-0123456789.";
// A server that answers nothing this long is stuck: the peers give up.
constexpr int StuckMs = 10000;

[[noreturn, gnu::format(printf, 1, 2)]] void fail(const char *format, ...)
{
    std::fputs("ipcsocket-bench: peers: ", stderr);
    va_list arguments;
    va_start(arguments, format);
    std::vfprintf(stderr, format, arguments);
    va_end(arguments);
    std::fputc('\n', stderr);
    std::exit(2);
}

[[noreturn]] void failErrno(const char *what)
{
    fail("%s: %s (errno %d)", what, std::strerror(errno), errno);
}

// The soft limit raised to the hard one; returns what it is now.
rlim_t raiseDescriptorLimit()
{
    rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        failErrno("getrlimit(RLIMIT_NOFILE)");
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            failErrno("setrlimit(RLIMIT_NOFILE)");
    }
    return limit.rlim_cur;
}

qint64 residentKb()
{
    FILE *file = std::fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!file || std::fscanf(file, "%ld %ld", &size, &resident) != 2)
        failErrno("/proc/self/statm");
    std::fclose(file);
    return qint64(resident) * ::sysconf(_SC_PAGESIZE) / 1024;
}

// What both processes of a measurement are told.
struct Role
{
    bool server = false;
    QByteArray serverName;
    QString path;
    int peers = 1;
    int cpu = -1;
    double seconds = 1;
};

// What a server counts: the peers it has, and the bytes it echoed.
struct Tally
{
    int peers = 0; // N
    int accepted = 0;
    int open = 0;
    qint64 echoed = 0;
    qint64 rssIdle = 0; // listening, no peer yet
    qint64 rssPeers = -1; // all N connected, each after its one round trip

    void echo(qint64 bytes)
    {
        echoed += bytes;
        // The peers connect one by one, one round trip each, then wait for
        // the last echo: now all N are connected and idle.
        if (rssPeers < 0 && echoed >= PingBytes * peers)
            rssPeers = residentKb();
    }
    bool done() const { return accepted >= peers && open == 0; }
};

// ---------------------------------------------------------------------------
// The servers. Each echoes what it reads and ends once its N peers have
// come and gone. Their waits are bounded by the orchestrator, which kills
// a server whose peers gave up (and by PR_SET_PDEATHSIG).

void writeAll(int fd, const char *data, qint64 size)
{
    for (qint64 done = 0; done < size;) {
        const ssize_t n = ::write(fd, data + done, size_t(size - done));
        if (n > 0) {
            done += n;
        } else if (errno == EAGAIN) {
            pollfd out = {fd, POLLOUT, 0};
            if (::poll(&out, 1, StuckMs) == 0)
                fail("epoll server: a peer read nothing for %d ms", StuckMs);
        } else if (errno != EINTR) {
            failErrno("epoll server: write");
        }
    }
}

// Plain C: level-triggered epoll, accept4() non-blocking.
void runEpollServer(const Role &role, Tally &tally)
{
    const sockaddr_un address = addressOf(role.path);
    const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0)
        failErrno("epoll server: socket");
    ::unlink(address.sun_path);
    if (::bind(listener, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0
        || ::listen(listener, SOMAXCONN) != 0)
        failErrno(qPrintable(QStringLiteral("epoll server: bind/listen %1").arg(role.path)));
    const int poller = ::epoll_create1(EPOLL_CLOEXEC);
    if (poller < 0)
        failErrno("epoll server: epoll_create1");
    epoll_event watch = {};
    watch.events = EPOLLIN;
    watch.data.fd = listener;
    if (::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &watch) != 0)
        failErrno("epoll server: epoll_ctl");
    tally.rssIdle = residentKb();
    ready();

    epoll_event events[256];
    char buffer[4096];
    while (!tally.done()) {
        const int count = ::epoll_wait(poller, events, int(std::size(events)), 120000);
        if (count == 0)
            fail("epoll server: no peer did anything for 120 s");
        if (count < 0 && errno != EINTR)
            failErrno("epoll server: epoll_wait");
        for (int i = 0; i < count; ++i) {
            const int fd = events[i].data.fd;
            if (fd == listener) {
                for (;;) {
                    const int peer
                            = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (peer < 0) {
                        if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
                            break;
                        failErrno("epoll server: accept4");
                    }
                    watch.data.fd = peer;
                    if (::epoll_ctl(poller, EPOLL_CTL_ADD, peer, &watch) != 0)
                        failErrno("epoll server: epoll_ctl");
                    ++tally.accepted;
                    ++tally.open;
                }
                continue;
            }
            const ssize_t n = ::read(fd, buffer, sizeof(buffer));
            if (n > 0) {
                writeAll(fd, buffer, n);
                tally.echo(n);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                ::close(fd); // leaves the epoll set with it
                --tally.open;
            }
        }
    }
    ::close(poller);
    ::close(listener);
    ::unlink(address.sun_path);
}

// As a Qt program echoes: readAll() and write() in readyRead; flush(), or
// QLocalSocket would send only on the next pass of the event loop.
void runQLocalServer(const Role &role, Tally &tally)
{
    QLocalServer server;
    QLocalServer::removeServer(role.path);
    if (!server.listen(role.path))
        fail("QLocalServer::listen(%s): %s", qPrintable(role.path),
             qPrintable(server.errorString()));
    QEventLoop loop;
    QObject::connect(&server, &QLocalServer::newConnection, &loop, [&] {
        while (QLocalSocket *socket = server.nextPendingConnection()) {
            ++tally.accepted;
            ++tally.open;
            QObject::connect(socket, &QLocalSocket::readyRead, socket, [&tally, socket] {
                const QByteArray data = socket->readAll();
                socket->write(data);
                socket->flush();
                tally.echo(data.size());
            });
            QObject::connect(socket, &QLocalSocket::disconnected, &loop, [&, socket] {
                socket->deleteLater();
                --tally.open;
                if (tally.done())
                    loop.quit();
            });
        }
    });
    tally.rssIdle = residentKb();
    ready();
    loop.exec();
}

// As the library's echo example: write(readAll()) in dataAvailable(), sent
// at the end of the pass.
void runIPCServerSocket(const Role &role, Tally &tally)
{
    IPCServerSocket server;
    server.setPath(role.path);
    server.setMaximumSocketsConnected(0); // no limit
    QEventLoop loop;
    QObject::connect(&server, &IPCServerSocket::error, &loop, [](int code, const QString &message) {
        fail("IPCServerSocket: error %d: %s", code, qPrintable(message));
    });
    QObject::connect(&server, &IPCServerSocket::peerConnected, &loop, [&](IPCSocket *socket) {
        ++tally.accepted;
        QObject::connect(socket, &IPCSocket::dataAvailable, socket, [&tally, socket] {
            const QByteArray data = socket->readAll();
            socket->write(data);
            tally.echo(data.size());
        });
        QObject::connect(socket, &IPCSocket::error, socket, [](int code, const QString &message) {
            if (code != IPCSocket::LostConnection)
                fail("IPCSocket: error %d: %s", code, qPrintable(message));
        });
    });
    QObject::connect(&server, &IPCServerSocket::connectionCountChanged, &loop, [&](int count) {
        tally.open = count;
        if (tally.done())
            loop.quit();
    });
    if (!server.listen())
        fail("IPCServerSocket::listen(%s) failed", qPrintable(role.path));
    tally.rssIdle = residentKb();
    ready();
    loop.exec();
}

// ---------------------------------------------------------------------------
// The peers: N raw AF_UNIX connections in one process, driven by epoll.

class Peers
{
public:
    explicit Peers(const Role &role)
        : m_role(role), m_address(addressOf(role.path)), m_poller(::epoll_create1(EPOLL_CLOEXEC)),
          m_events(size_t(std::clamp(role.peers, 1, 1024)))
    {
        if (m_poller < 0)
            failErrno("epoll_create1");
        m_fds.reserve(size_t(role.peers));
        m_got.reserve(size_t(role.peers));
    }
    ~Peers()
    {
        for (const int fd : m_fds)
            ::close(fd);
        ::close(m_poller);
    }

    // Connect peer i and one round trip on it, for each peer in turn.
    double connectAll()
    {
        m_phase = "connecting";
        const qint64 start = nowNs();
        for (int i = 0; i < m_role.peers; ++i) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0)
                failErrno("socket");
            // Non-blocking AF_UNIX: EAGAIN while the listener's backlog is full.
            const qint64 since = nowNs();
            while (::connect(fd, reinterpret_cast<const sockaddr *>(&m_address), sizeof(m_address))
                   != 0) {
                if (errno != EAGAIN && errno != EINTR)
                    fail("%s: connect(%s) for peer %d of %d: %s (errno %d)",
                         m_role.serverName.data(), qPrintable(m_role.path), i + 1, m_role.peers,
                         std::strerror(errno), errno);
                if (nowNs() - since > qint64(StuckMs) * 1000000)
                    fail("%s accepted nothing for %d ms (peer %d of %d)", m_role.serverName.data(),
                         StuckMs, i + 1, m_role.peers);
                ::usleep(100);
            }
            epoll_event watch = {};
            watch.events = EPOLLIN;
            watch.data.u32 = uint32_t(i);
            if (::epoll_ctl(m_poller, EPOLL_CTL_ADD, fd, &watch) != 0)
                failErrno("epoll_ctl");
            m_fds.push_back(fd);
            m_got.push_back(0);
            send(i);
            roundTripOn(i);
        }
        return double(nowNs() - start) / 1e6;
    }

    // One peer pings, one ping in flight; the others stay idle.
    double oneOfN()
    {
        m_phase = "one of N";
        const int busy = m_role.peers / 2;
        const qint64 start = nowNs();
        const qint64 end = start + qint64(m_role.seconds * 1e9);
        qint64 count = 0;
        qint64 now;
        do {
            send(busy);
            roundTripOn(busy);
            ++count;
            now = nowNs();
        } while (now < end);
        return double(count) / (double(now - start) / 1e9);
    }

    // Every peer has one ping in flight; round trips a second in total.
    double allActive()
    {
        m_phase = "all active";
        const qint64 start = nowNs();
        const qint64 end = start + qint64(m_role.seconds * 1e9);
        for (int i = 0; i < m_role.peers; ++i)
            send(i);
        qint64 inFlight = m_role.peers;
        qint64 count = 0;
        qint64 counted = 0;
        qint64 elapsed = 0;
        while (inFlight > 0) {
            const int batch = wait();
            for (int e = 0; e < batch; ++e) {
                const int i = int(m_events[size_t(e)].data.u32);
                if (!receive(i))
                    continue;
                ++count;
                if (elapsed == 0) {
                    send(i);
                } else {
                    --inFlight; // past the end: let the last echoes come home
                }
            }
            if (elapsed == 0) {
                const qint64 now = nowNs();
                if (now >= end) {
                    elapsed = now - start;
                    counted = count;
                }
            }
        }
        return double(counted) / (double(elapsed) / 1e9);
    }

private:
    void send(int i)
    {
        if (::write(m_fds[size_t(i)], Ping, PingBytes) != PingBytes)
            fail("%s: write on peer %d of %d (%s): %s (errno %d)", m_role.serverName.data(), i + 1,
                 m_role.peers, m_phase, std::strerror(errno), errno);
    }

    // Reads what peer i has; true once its echo is whole.
    bool receive(int i)
    {
        char echo[PingBytes];
        int &got = m_got[size_t(i)];
        const ssize_t n = ::read(m_fds[size_t(i)], echo, size_t(PingBytes - got));
        if (n == 0)
            fail("%s closed peer %d of %d (%s)", m_role.serverName.data(), i + 1, m_role.peers,
                 m_phase);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return false;
            fail("%s: read on peer %d of %d (%s): %s (errno %d)", m_role.serverName.data(), i + 1,
                 m_role.peers, m_phase, std::strerror(errno), errno);
        }
        if (std::memcmp(echo, Ping + got, size_t(n)) != 0)
            fail("%s echoed something else to peer %d", m_role.serverName.data(), i + 1);
        got += int(n);
        if (got < PingBytes)
            return false;
        got = 0;
        return true;
    }

    int wait()
    {
        for (;;) {
            const int count
                    = ::epoll_wait(m_poller, m_events.data(), int(m_events.size()), StuckMs);
            if (count > 0)
                return count;
            if (count == 0)
                fail("%s answered nothing for %d ms (%s, %d peers)", m_role.serverName.data(),
                     StuckMs, m_phase, m_role.peers);
            if (errno != EINTR)
                failErrno("epoll_wait");
        }
    }

    // Waits for peer i's echo; no other peer has a ping in flight.
    void roundTripOn(int i)
    {
        for (;;) {
            const int count = wait();
            for (int e = 0; e < count; ++e) {
                const int peer = int(m_events[size_t(e)].data.u32);
                if (receive(peer)) {
                    if (peer != i)
                        fail("%s answered peer %d, which sent nothing", m_role.serverName.data(),
                             peer + 1);
                    return;
                }
            }
        }
    }

    const Role &m_role;
    const sockaddr_un m_address;
    const int m_poller;
    std::vector<epoll_event> m_events;
    std::vector<int> m_fds;
    std::vector<int> m_got; // bytes of each peer's echo read so far
    const char *m_phase = "";
};

void pin(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof(set), &set) != 0)
        fail("sched_setaffinity(CPU %d): %s", cpu, std::strerror(errno));
}

// ---------------------------------------------------------------------------
// The orchestrator's side.

struct Cell
{
    Figure allActive, oneOfN, connectMs, kibPerPeer, rssIdleKb, rssPeersKb;
};

QJsonObject lastJson(QProcess &process)
{
    const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
    return QJsonDocument::fromJson(lines.constLast()).object();
}

// One measurement: the server on CPU 0, its N peers on CPU 1.
std::optional<std::pair<QJsonObject, QJsonObject>> measureOne(const QString &path, int server,
                                                              int peers, double seconds)
{
    const QString name = QLatin1String(ServerNames[server]);
    QFile::remove(path);
    const auto arguments = [&](bool isServer) {
        return QStringList{QStringLiteral("--role"),
                           isServer ? QStringLiteral("peers-server")
                                    : QStringLiteral("peers-client"),
                           QStringLiteral("--server"),
                           name,
                           QStringLiteral("--path"),
                           path,
                           QStringLiteral("--peers"),
                           QString::number(peers),
                           QStringLiteral("--seconds"),
                           QString::number(seconds),
                           QStringLiteral("--cpu"),
                           isServer ? QStringLiteral("0") : QStringLiteral("1")};
    };
    QProcess serverProcess, client;
    serverProcess.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const auto stop = [&](const char *why) {
        std::fprintf(stderr, "ipcsocket-bench: peers: %s with %d peers: %s\n", qPrintable(name),
                     peers, why);
        client.kill();
        serverProcess.kill();
        client.waitForFinished(5000);
        serverProcess.waitForFinished(5000);
        return std::nullopt;
    };
    serverProcess.start(QCoreApplication::applicationFilePath(), arguments(true));
    while (!serverProcess.canReadLine()) {
        if (!serverProcess.waitForReadyRead(30000))
            return stop("the server did not start listening within 30 s");
    }
    serverProcess.readLine(); // "ready"
    client.start(QCoreApplication::applicationFilePath(), arguments(false));

    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    const auto failed = [](const QProcess &process) {
        return process.state() == QProcess::NotRunning
               && (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0);
    };
    const auto onFinished = [&] {
        if (failed(client) || failed(serverProcess)
            || (client.state() == QProcess::NotRunning
                && serverProcess.state() == QProcess::NotRunning))
            loop.quit();
        else if (client.state() == QProcess::NotRunning)
            deadline.start(30000); // the server ends once its peers are gone
    };
    QObject::connect(&client, &QProcess::finished, &loop, onFinished);
    QObject::connect(&serverProcess, &QProcess::finished, &loop, onFinished);
    // The peers give up on a server that answers nothing for StuckMs; this
    // is for everything else.
    deadline.start(int(std::max(300.0, 60 + 4 * seconds + peers * 0.05) * 1000));
    loop.exec();
    if (failed(client))
        return stop("the peers failed");
    if (failed(serverProcess))
        return stop("the server failed");
    if (client.state() != QProcess::NotRunning)
        return stop("no result in time");
    if (serverProcess.state() != QProcess::NotRunning)
        return stop("the server did not end once its peers had gone");
    return std::make_pair(lastJson(client), lastJson(serverProcess));
}

} // namespace

QJsonArray measurePeers(const PeersOptions &options, bool *failed)
{
    rlimit limit = {};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const auto text = [](rlim_t value) {
        return value == RLIM_INFINITY ? QStringLiteral("unlimited") : QString::number(value);
    };
    if (!options.json) {
        print(QStringLiteral("\nMany peers on one server (server on CPU 0, its peers' process on "
                             "CPU 1, raw AF_UNIX peers driven by epoll, 16-byte pings; %1 runs "
                             "taking turns, median (min-max))")
                      .arg(options.runs));
        // Each process waits for the other: on a busy machine, figures
        // fall with the time the two get the CPU together.
        QFile load(QStringLiteral("/proc/loadavg"));
        if (load.open(QIODevice::ReadOnly))
            print(QStringLiteral("Load average at the start: %1")
                          .arg(QString::fromLatin1(load.readAll())
                                       .split(u' ')
                                       .mid(0, 3)
                                       .join(u' ')));
        print(QStringLiteral("Descriptors (RLIMIT_NOFILE): soft %1, hard %2; both processes raise "
                             "the soft limit to the hard one; N peers need N + %3.")
                      .arg(text(limit.rlim_cur), text(limit.rlim_max))
                      .arg(DescriptorMargin));
    }
    QList<int> counts;
    for (const int n : options.counts) {
        if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < rlim_t(n + DescriptorMargin)) {
            print(QStringLiteral("%1 peers skipped: they need %2 descriptors, the hard limit is "
                                 "%3 (raise it: ulimit -Hn, limits.conf)")
                          .arg(n)
                          .arg(n + DescriptorMargin)
                          .arg(text(limit.rlim_max)));
            continue;
        }
        counts.append(n);
    }

    QTemporaryDir dir(QStringLiteral("/tmp/benchXXXXXX"));
    const QString path = dir.filePath(QStringLiteral("peers.sock"));
    QHash<int, Cell> cells; // by N * ServerCount + server
    for (int run = 0; run < options.warmUps + options.runs; ++run) {
        for (const int n : std::as_const(counts)) {
            for (int server = 0; server < ServerCount; ++server) {
                const auto result = measureOne(path, server, n, options.seconds);
                if (!result) {
                    *failed = true;
                    continue;
                }
                if (run < options.warmUps)
                    continue;
                const QJsonObject &peers = result->first;
                const QJsonObject &host = result->second;
                Cell &cell = cells[n * ServerCount + server];
                cell.allActive.values.append(peers.value(QLatin1String("all_active")).toDouble());
                cell.oneOfN.values.append(peers.value(QLatin1String("one_of_n")).toDouble());
                cell.connectMs.values.append(peers.value(QLatin1String("connect_ms")).toDouble());
                const double idle = host.value(QLatin1String("rss_idle_kb")).toDouble();
                const double withPeers = host.value(QLatin1String("rss_peers_kb")).toDouble();
                cell.rssIdleKb.values.append(idle);
                cell.rssPeersKb.values.append(withPeers);
                cell.kibPerPeer.values.append((withPeers - idle) / n);
            }
        }
    }

    QJsonArray json;
    QList<QStringList> rows;
    for (const int n : std::as_const(counts)) {
        // Copies: cells[] would insert.
        const Cell floor = cells.value(n * ServerCount);
        for (int server = 0; server < ServerCount; ++server) {
            const Cell cell = cells.value(n * ServerCount + server);
            const Cell alone = cells.value(1 * ServerCount + server);
            json.append(QJsonObject{
                    {QStringLiteral("server"), QLatin1String(ServerNames[server])},
                    {QStringLiteral("peers"), n},
                    {QStringLiteral("all_active_round_trips_per_s"), cell.allActive.json()},
                    {QStringLiteral("one_of_n_round_trips_per_s"), cell.oneOfN.json()},
                    {QStringLiteral("connect_ms"), cell.connectMs.json()},
                    {QStringLiteral("server_kib_per_peer"), cell.kibPerPeer.json()},
                    {QStringLiteral("server_rss_idle_kb"), cell.rssIdleKb.json()},
                    {QStringLiteral("server_rss_peers_kb"), cell.rssPeersKb.json()}});
            if (cell.allActive.values.isEmpty()) { // every run of it failed
                rows.append({QString::number(n), QLatin1String(ServerNames[server]),
                             QStringLiteral("failed")});
                continue;
            }
            rows.append({QString::number(n), QLatin1String(ServerNames[server]),
                         cell.allActive.text(1, 1e-3),
                         ratio(cell.allActive.median(), floor.allActive.median()),
                         cell.oneOfN.text(1, 1e-3),
                         ratio(cell.oneOfN.median(), floor.oneOfN.median()),
                         ratio(cell.oneOfN.median(), alone.oneOfN.median()), cell.connectMs.text(1),
                         ratio(cell.connectMs.median(), floor.connectMs.median()),
                         cell.kibPerPeer.text(1),
                         QString::number(cell.rssPeersKb.median() / 1024, 'f', 1)});
        }
    }
    if (!options.json) {
        printTable({{QStringLiteral("peers"), 6},
                    {QStringLiteral("server"), 16},
                    {QStringLiteral("all active k/s (min-max)"), 25},
                    {QStringLiteral("/epoll"), 7},
                    {QStringLiteral("one of N k/s (min-max)"), 23},
                    {QStringLiteral("/epoll"), 7},
                    {QStringLiteral("/N=1"), 6},
                    {QStringLiteral("connect ms (min-max)"), 24},
                    {QStringLiteral("/epoll"), 7},
                    {QStringLiteral("KiB a peer (min-max)"), 21},
                    {QStringLiteral("RSS MiB"), 0}},
                   rows);
        print(QStringLiteral(
                "(all active: every peer has one ping in flight; one of N: one peer pings while "
                "N-1 stay idle, /N=1 against the same server alone; connect: connect each peer "
                "and one round trip on it, in turn; KiB a peer: server RSS with N idle peers "
                "less RSS listening, over N; echo: raw read()/write(), QLocalSocket write() and "
                "flush() in readyRead, IPCSocket write() in dataAvailable)"));
    }
    return json;
}

int runPeersRole(int argc, char **argv)
{
    // Killed with the orchestrator, whatever happens to it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    Role role;
    role.server = qstrcmp(argv[2], "peers-server") == 0;
    for (int i = 3; i + 1 < argc; i += 2) {
        const QByteArray key = argv[i];
        const char *value = argv[i + 1];
        if (key == "--server")
            role.serverName = value;
        else if (key == "--path")
            role.path = QString::fromLocal8Bit(value);
        else if (key == "--peers")
            role.peers = std::max(1, std::atoi(value));
        else if (key == "--cpu")
            role.cpu = std::atoi(value);
        else if (key == "--seconds")
            role.seconds = std::atof(value);
    }
    pin(role.cpu);
    const rlim_t descriptors = raiseDescriptorLimit();
    if (descriptors < rlim_t(role.peers + DescriptorMargin))
        fail("%d peers need %d descriptors, RLIMIT_NOFILE is %llu", role.peers,
             role.peers + DescriptorMargin, static_cast<unsigned long long>(descriptors));

    QJsonObject result;
    if (role.server) {
        Tally tally;
        tally.peers = role.peers;
        if (role.serverName == "epoll") {
            runEpollServer(role, tally);
        } else {
            QCoreApplication app(argc, argv);
            if (role.serverName == "qlocalserver")
                runQLocalServer(role, tally);
            else if (role.serverName == "ipcserversocket")
                runIPCServerSocket(role, tally);
            else
                fail("no server named '%s'", role.serverName.data());
        }
        result = {{QStringLiteral("rss_idle_kb"), tally.rssIdle},
                  {QStringLiteral("rss_peers_kb"), tally.rssPeers},
                  {QStringLiteral("accepted"), tally.accepted}};
    } else {
        Peers peers(role);
        result.insert(QStringLiteral("connect_ms"), peers.connectAll());
        result.insert(QStringLiteral("one_of_n"), peers.oneOfN());
        result.insert(QStringLiteral("all_active"), peers.allActive());
    }
    std::puts(QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}

#endif // __linux__

} // namespace Bench
