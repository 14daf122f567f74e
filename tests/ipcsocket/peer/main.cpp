// SPDX-License-Identifier: BSD-3-Clause
//
// The second process of tst_ipcsocket: a real IPCSocket in another program.
//
//   ipcsocket-peer listen|connect PATH ACTION [ARGUMENT] [--poll] [--as-nobody]
//
// ACTION is one of
//   echo          send back everything received, until the connection ends
//   sink          read everything; at the end print "received COUNT SHA256"
//   stream N      send N pattern bytes, close, print "sent N SHA256"
//   flood         send pattern bytes until killed
//   attempt       only listen/connect, print the result and quit
//   wait N        touch no socket: print "waiting", stay silent N ms, print
//                 "waited" and quit
//   race          listen only: for every line on stdin, close() and listen()
//                 again, print "won" or "lost CODE"; ends at end of input
//
// --poll drives the socket with poll() and no event loop. --as-nobody drops
// root privileges first, so that permission checks apply to root too.
// --exhaust-descriptors uses up every file descriptor the process may have,
// before connect() or right after listen(), so that creating or accepting
// a socket fails.
// Every event is printed as a line on stdout: "connected", "error N MESSAGE";
// on Windows also "alive" once a second (see KeepAlive).

#include "../pattern.h"

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qcryptographichash.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

void say(const QByteArray &line)
{
    std::fputs(line.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// Under Wine, a thread of the pool that has waited idle for 5 s ends, and
// the system cancels the read it had started on our stdout's pipe in the
// test process; Qt 6.4's pipe reader (QWindowsPipeReader::readCompleted())
// then takes the pipe for broken and reads no more: every later line was
// lost (tests/support/tst_peerprocess.cpp). A line a second keeps
// that read from waiting so long; PeerProcess passes over these lines.
class KeepAlive
{
public:
    void start()
    {
#ifdef Q_OS_WIN
        QObject::connect(&m_timer, &QTimer::timeout, [] { say("alive"); });
        m_timer.start(1000);
        m_clock.start();
#endif
    }
    // For a process without an event loop (--poll).
    void poll()
    {
#ifdef Q_OS_WIN
        if (m_clock.hasExpired(1000)) {
            say("alive");
            m_clock.start();
        }
#endif
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
};

void exhaustDescriptors()
{
#ifdef Q_OS_UNIX
    const rlimit limit = {64, 64};
    ::setrlimit(RLIMIT_NOFILE, &limit);
    while (::open("/dev/null", O_RDONLY | O_CLOEXEC) >= 0) { }
#endif
}

class Peer : public QObject
{
public:
    Peer(const QString &action, qint64 argument, bool polling)
        : m_action(action), m_argument(argument), m_polling(polling)
    {
        QObject::connect(&m_socket, &IPCSocket::connected, this, [this] {
            say("connected");
            if (m_action == QLatin1String("stream") || m_action == QLatin1String("flood"))
                sendMore();
        });
        QObject::connect(&m_socket, &IPCSocket::dataAvailable, this, [this] { receive(); });
        QObject::connect(&m_socket, &IPCSocket::bytesWritten, this, [this] { sendMore(); });
        QObject::connect(&m_socket, &IPCSocket::error, this,
                         [this](int code, const QString &message) {
                             say("error " + QByteArray::number(code) + ' ' + message.toUtf8());
                             if (code == IPCSocket::LostConnection)
                                 finish();
                         });
    }

    IPCSocket m_socket;
    bool m_done = false;

    void finish()
    {
        receive();
        if (m_action == QLatin1String("sink"))
            say("received " + QByteArray::number(m_count) + ' ' + m_hash.result().toHex());
        m_done = true;
        if (!m_polling)
            QCoreApplication::quit();
    }

    void sendMore()
    {
        const bool flood = m_action == QLatin1String("flood");
        if (!flood && m_action != QLatin1String("stream"))
            return;
        // Keep a bounded amount queued: the pattern of a careful writer.
        while (m_socket.isConnected() && m_socket.bytesLeftToSend() < 1024 * 1024
               && (flood || m_sent < m_argument)) {
            const qint64 chunk = flood ? 65536 : qMin<qint64>(65536, m_argument - m_sent);
            const QByteArray bytes = pattern(m_sent, chunk);
            m_hash.addData(bytes);
            m_socket.write(bytes);
            m_sent += chunk;
        }
        // close() would send the rest in the background, but this process
        // ends right after it: wait until the system has taken every byte.
        if (!flood && m_sent == m_argument && m_socket.bytesLeftToSend() == 0 && !m_closing) {
            m_closing = true;
            say("sent " + QByteArray::number(m_sent) + ' ' + m_hash.result().toHex());
            m_socket.close();
            m_done = true;
            if (!m_polling)
                QCoreApplication::quit();
        }
    }

private:
    void receive()
    {
        const QByteArray bytes = m_socket.readAll();
        m_count += bytes.size();
        m_hash.addData(bytes);
        if (m_action == QLatin1String("echo") && !bytes.isEmpty() && m_socket.isConnected())
            m_socket.write(bytes);
    }

    QString m_action;
    qint64 m_argument;
    bool m_polling;
    qint64 m_count = 0;
    qint64 m_sent = 0;
    bool m_closing = false;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const bool polling = args.removeAll(QStringLiteral("--poll")) > 0;
    const bool asNobody = args.removeAll(QStringLiteral("--as-nobody")) > 0;
    const bool exhaust = args.removeAll(QStringLiteral("--exhaust-descriptors")) > 0;
    if (args.size() < 3) {
        std::fputs("usage: ipcsocket-peer listen|connect PATH ACTION [N] [--poll] "
                   "[--as-nobody]\n",
                   stderr);
        return 2;
    }
#ifdef Q_OS_UNIX
    if (asNobody && ::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
        std::perror("setuid");
        return 2;
    }
#else
    // Running as the same user would make a stranger's test pass for nothing.
    if (asNobody) {
        std::fputs("ipcsocket-peer: --as-nobody needs Unix user ids\n", stderr);
        return 2;
    }
#endif

    KeepAlive keepAlive;
    keepAlive.start();
    if (args.at(2) == QLatin1String("wait")) {
        say("waiting");
        QTimer::singleShot(args.value(3).toInt(), &app, [] {
            say("waited");
            QCoreApplication::quit();
        });
        return app.exec();
    }

    Peer peer(args.at(2), args.value(3).toLongLong(), polling);
    peer.m_socket.setPath(args.at(1));
    const bool listening = args.at(0) == QLatin1String("listen");
    if (exhaust && !listening)
        exhaustDescriptors();
    const bool racing = args.at(2) == QLatin1String("race");
    const bool started = racing || (listening ? peer.m_socket.listen() : peer.m_socket.connect());
    if (exhaust && listening)
        exhaustDescriptors();
    if (args.at(2) == QLatin1String("race")) {
        // Rounds start when the test says so, in both racers at once.
        for (int c; (c = std::getchar()) != EOF;) {
            if (c != '\n')
                continue;
            peer.m_socket.close();
            const bool won = peer.m_socket.listen();
            say(won ? "won" : "lost " + QByteArray::number(peer.m_socket.lastErrorCode()));
        }
        return 0;
    }
    if (args.at(2) == QLatin1String("attempt")) {
        say(started ? "started" : "failed");
        return 0;
    }
    if (!started)
        return 1;
    say(args.at(0) == QLatin1String("listen") ? "listening" : "connecting");

    if (!polling)
        return app.exec();
    while (!peer.m_done) {
        keepAlive.poll();
        peer.m_socket.poll();
        if (peer.m_socket.isConnected())
            peer.sendMore();
        QThread::usleep(200);
    }
    return 0;
}
