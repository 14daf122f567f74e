// SPDX-License-Identifier: BSD-3-Clause
//
// fuzz: a seeded random driver calls the API in random order on three
// sockets, with random sizes and paths (bad ones too), and checks after
// every step what the API promises: the state agrees with the signals
// seen, every byte read is the next one its sender wrote, and nothing
// written is lost when the sender closes, every error has its number and
// a message with the path, the side that closes gets no error.

#include "commands.h"
#include "random.h"
#include "stream.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qtemporarydir.h>

#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <memory>

namespace Stress {

namespace {

constexpr int Sockets = 3;
constexpr int StepsPerEpisode = 400;
constexpr int KeyBytes = 8; // each connection's stream starts with its key

// A connection's outgoing stream: its key, then the key's stream.
QByteArray outgoing(quint64 key, qint64 offset, qint64 size)
{
    QByteArray bytes(qsizetype(size), Qt::Uninitialized);
    char header[KeyBytes];
    std::memcpy(header, &key, KeyBytes);
    qint64 i = 0;
    for (; i < size && offset + i < KeyBytes; ++i)
        bytes[qsizetype(i)] = header[offset + i];
    if (i < size)
        fillStream(key, offset + i - KeyBytes, bytes.data() + i, size - i);
    return bytes;
}

// What arrived on one connection: the sender's key first, then its stream.
struct Incoming
{
    QByteArray header;
    StreamChecker checker;

    bool isKeyKnown() const { return header.size() == KeyBytes; }
    quint64 key() const
    {
        quint64 key = 0;
        std::memcpy(&key, header.constData(), KeyBytes);
        return key;
    }
    qint64 received() const { return header.size() + checker.received(); }
};

// What the driver knows of one socket, from its own calls and the signals.
struct Track
{
    enum State { Idle, Listening, Connecting, Connected, Lost };

    std::unique_ptr<IPCSocket> socket;
    State state = Idle;
    QString listenPath;
    int lastError = 0;
    QList<int> errorsInCall;
    bool inClose = false;
    // Sending on this connection.
    quint64 outKey = 0;
    qint64 outOffset = 0;
    Incoming incoming;
    bool totalChecked = false;
};

class Fuzzer
{
public:
    Fuzzer(Random &random, const QString &dir) : m_random(random), m_dir(dir)
    {
        QFile regular(dir + QStringLiteral("/regular"));
        if (regular.open(QIODevice::WriteOnly))
            regular.write("not a socket");
        m_paths = {
                dir + QStringLiteral("/p0.sock"),
                dir + QStringLiteral("/p1.sock"),
                QString(),
                dir + u'/' + QString(104 - dir.size(), u'x'),
                dir + QStringLiteral("/missing/s.sock"),
                dir + QStringLiteral("/regular"),
                dir + QStringLiteral("/regular/s.sock"),
                dir,
        };
        for (Track &track : m_tracks)
            renew(track);
    }

    ~Fuzzer()
    {
        for (Track &track : m_tracks)
            track.socket.reset();
    }

    // One random step and the checks after it; false with *why.
    bool step(QString *why)
    {
        const int index = int(m_random.between(0, Sockets - 1));
        Track &track = m_tracks[size_t(index)];
        IPCSocket &socket = *track.socket;
        // A lost connection is mostly read to its end: that is where the
        // check that nothing written was dropped happens.
        const qint64 op = track.state == Track::Lost && m_random.chance(0.5)
                                  ? 61 // readAll()
                                  : m_random.between(0, 99);
        QString what;
        track.errorsInCall.clear();
        if (op < 5) {
            // Mostly the two good paths, so that connections come about.
            const QString path
                    = m_paths.at(m_random.chance(0.7) ? m_random.between(0, 1)
                                                      : m_random.between(2, m_paths.size() - 1));
            what = QStringLiteral("setPath('%1')").arg(path);
            socket.setPath(path);
        } else if (op < 17) {
            what = QStringLiteral("listen() on '%1'").arg(socket.path());
            startCall(index, true, &what);
        } else if (op < 29) {
            what = QStringLiteral("connect() to '%1'").arg(socket.path());
            startCall(index, false, &what);
        } else if (op < 36) {
            what = QStringLiteral("close()");
            track.inClose = true;
            socket.close();
            track.inClose = false;
            track.state = Track::Idle;
        } else if (op < 51 && track.state == Track::Connected && m_random.chance(0.25)) {
            // A burst of small writes in one pass: collected, and handed
            // over together at the end of the pass (or by whatever comes
            // first: flush(), poll(), close(), 64 KiB).
            const qint64 count = m_random.between(2, 300);
            qint64 total = 0;
            for (qint64 i = 0; i < count && m_problem.isEmpty(); ++i) {
                QString one;
                track.errorsInCall.clear();
                const qint64 size = m_random.between(1, 100);
                write(track, size, &one);
                total += size;
            }
            what = QStringLiteral("%1 small writes, %2 bytes").arg(count).arg(total);
        } else if (op < 51) {
            // Now and then more than the system takes at once, so that
            // close() finds a queue to send.
            const qint64 size = m_random.chance(0.05)
                                        ? 0
                                        : m_random.spread(1, m_random.chance(0.2) ? 8 * 1024 * 1024
                                                                                  : 256 * 1024);
            what = QStringLiteral("write(%1 bytes)").arg(size);
            write(track, size, &what);
        } else if (op < 61) {
            const qint64 size = m_random.spread(1, 256 * 1024);
            const qint64 before = socket.bytesAvailable();
            const QByteArray bytes = socket.read(size);
            what = QStringLiteral("read(%1) of %2: %3 bytes")
                           .arg(size)
                           .arg(before)
                           .arg(bytes.size());
            if (bytes.size() > size)
                m_problem
                        = QStringLiteral("read(%1) returned %2 bytes").arg(size).arg(bytes.size());
            receive(track, bytes);
        } else if (op < 69) {
            const QByteArray bytes = socket.readAll();
            what = QStringLiteral("readAll(): %1 bytes").arg(bytes.size());
            receive(track, bytes);
            if (socket.bytesAvailable() != 0)
                m_problem = QStringLiteral("%1 bytes available right after readAll()")
                                    .arg(socket.bytesAvailable());
        } else if (op < 74) {
            const qint64 before = socket.bytesAvailable();
            const QByteArray bytes = socket.lookahead();
            what = QStringLiteral("lookahead(): %1 bytes").arg(bytes.size());
            if (bytes.size() != before || socket.bytesAvailable() != before)
                m_problem = QStringLiteral("lookahead() gave %1 of %2 available bytes, and %3 "
                                           "are available after it")
                                    .arg(bytes.size())
                                    .arg(before)
                                    .arg(socket.bytesAvailable());
            else
                checkAhead(track, bytes);
        } else if (op < 79) {
            what = QStringLiteral("poll()");
            socket.poll();
        } else if (op < 84) {
            what = QStringLiteral("flush()");
            socket.flush();
        } else if (op < 98) {
            const int ms = int(m_random.between(0, 20));
            what = QStringLiteral("event loop for %1 ms").arg(ms);
            spin(ms);
        } else {
            what = QStringLiteral("destroy and make anew");
            renew(track);
        }
        remember(QStringLiteral("socket %1: %2").arg(index).arg(what));
        if (m_problem.isEmpty())
            checkAll();
        if (m_problem.isEmpty())
            return true;
        *why = m_problem + QStringLiteral("\n  the last steps:\n    ")
               + QStringList(m_trace.begin(), m_trace.end()).join(QStringLiteral("\n    "));
        return false;
    }

    qint64 bytesChecked() const { return m_bytesChecked; }
    qint64 errorsSeen() const { return m_errorsSeen; }
    qint64 connections() const { return m_connections; }

private:
    void renew(Track &track)
    {
        const QString path = track.socket ? track.socket->path() : m_paths.at(0);
        track.socket.reset(); // sends what it still queues
        track = Track();
        track.socket = std::make_unique<IPCSocket>();
        track.socket->setPath(path);
        IPCSocket *socket = track.socket.get();
        const int index = int(&track - m_tracks.data());
        QObject::connect(socket, &IPCSocket::connected, socket, [this, index] {
            Track &t = m_tracks[size_t(index)];
            if (t.state != Track::Listening && t.state != Track::Connecting)
                fail(index, QStringLiteral("connected() in state %1").arg(int(t.state)));
            t.state = Track::Connected;
            ++m_connections;
        });
        QObject::connect(
                socket, &IPCSocket::error, socket,
                [this, index](int code, const QString &message) { onError(index, code, message); });
    }

    void onError(int index, int code, const QString &message)
    {
        Track &t = m_tracks[size_t(index)];
        ++m_errorsSeen;
        t.lastError = code;
        t.errorsInCall.append(code);
        if (t.inClose)
            fail(index, QStringLiteral("error %1 inside its own close()").arg(code));
        if (message.isEmpty() || !message.contains(t.socket->path()))
            fail(index, QStringLiteral("error %1's message '%2' does not name the path '%3'")
                                .arg(code)
                                .arg(message, t.socket->path()));
        if (code == IPCSocket::LostConnection) {
            if (t.state != Track::Connected)
                fail(index, QStringLiteral("102 in state %1").arg(int(t.state)));
            t.state = Track::Lost;
        }
    }

    void fail(int index, const QString &problem)
    {
        if (m_problem.isEmpty())
            m_problem = QStringLiteral("socket %1: %2").arg(index).arg(problem);
    }

    void remember(const QString &what)
    {
        m_trace.push_back(what);
        if (m_trace.size() > 40)
            m_trace.pop_front();
    }

    // Whose listener is at path now, as far as the sockets themselves say.
    bool someoneListensOn(const QString &path) const
    {
        for (const Track &t : m_tracks) {
            if (t.socket->isListening() && t.listenPath == path)
                return true;
        }
        return false;
    }

    int expectedPathError(const QString &path, bool listen) const
    {
        if (path == m_dir + QStringLiteral("/regular"))
            return listen ? IPCSocket::InvalidPathError : IPCSocket::NameResolutionError;
        if (path == m_paths.at(0) || path == m_paths.at(1))
            return 0;
        return IPCSocket::InvalidPathError;
    }

    void startCall(int index, bool listen, QString *what)
    {
        Track &t = m_tracks[size_t(index)];
        IPCSocket &socket = *t.socket;
        const QString path = socket.path();
        int expected = expectedPathError(path, listen);
        const bool busy
                = socket.isConnected() || socket.isListening() || socket.bytesAvailable() > 0;
        if (busy)
            expected = IPCSocket::InvalidStateError;
        else if (expected == 0 && listen && someoneListensOn(path))
            expected = IPCSocket::AddressInUseError;
        else if (expected == 0 && !listen && !someoneListensOn(path))
            expected = IPCSocket::NameResolutionError;
        const bool ok = listen ? socket.listen() : socket.connect();
        *what += ok ? QStringLiteral(": true") : QStringLiteral(": false");
        if (ok != t.errorsInCall.isEmpty())
            return fail(index, QStringLiteral("returned %1 with errors %2")
                                       .arg(ok)
                                       .arg(errorList(t.errorsInCall)));
        if (ok != (expected == 0))
            return fail(index,
                        QStringLiteral("returned %1, expected error %2").arg(ok).arg(expected));
        if (!ok && t.errorsInCall != QList<int>{expected})
            return fail(index, QStringLiteral("gave errors %1, expected %2")
                                       .arg(errorList(t.errorsInCall))
                                       .arg(expected));
        if (!ok)
            return;
        // A new connection: a new stream each way.
        Track fresh;
        fresh.socket = std::move(t.socket);
        fresh.state = listen ? Track::Listening : Track::Connecting;
        fresh.lastError = t.lastError;
        t = std::move(fresh);
        t.listenPath = listen ? path : QString();
        t.outKey = m_random.next();
        m_accepted[t.outKey] = 0;
    }

    static QString errorList(const QList<int> &codes)
    {
        QStringList list;
        for (int code : codes)
            list.append(QString::number(code));
        return u'[' + list.join(u',') + u']';
    }

    void write(Track &t, qint64 size, QString *what)
    {
        const bool connected = t.state == Track::Connecting || t.state == Track::Connected;
        const QByteArray bytes = outgoing(t.outKey, t.outOffset, size);
        const qint64 taken = t.socket->write(bytes);
        *what += QStringLiteral(": %1").arg(taken);
        const int index = int(&t - m_tracks.data());
        if (connected && taken != size)
            return fail(index, QStringLiteral("write() of %1 bytes while connected returned %2")
                                       .arg(size)
                                       .arg(taken));
        if (!connected && (taken != -1 || t.errorsInCall != QList<int>{106}))
            return fail(index, QStringLiteral("write() while not connected returned %1 with "
                                              "errors %2")
                                       .arg(taken)
                                       .arg(errorList(t.errorsInCall)));
        if (connected) {
            t.outOffset += taken;
            m_accepted[t.outKey] += taken;
        }
    }

    // Takes bytes as the next ones of a connection: empty, or what is wrong.
    QString take(Incoming *in, const QByteArray &bytes) const
    {
        qsizetype used = 0;
        if (!in->isKeyKnown()) {
            used = qMin<qsizetype>(KeyBytes - in->header.size(), bytes.size());
            in->header += bytes.left(used);
            if (in->isKeyKnown()) {
                if (m_accepted.find(in->key()) == m_accepted.end())
                    return QStringLiteral("a stream from no socket arrived");
                in->checker = StreamChecker(in->key());
            }
        }
        if (used < bytes.size() && !in->checker.check(bytes.mid(used)))
            return in->checker.problem();
        return {};
    }

    void receive(Track &t, const QByteArray &bytes)
    {
        if (const QString problem = take(&t.incoming, bytes); !problem.isEmpty())
            return fail(int(&t - m_tracks.data()), problem);
        m_bytesChecked += bytes.size();
    }

    // What lookahead() shows must be what the next reads will give.
    void checkAhead(const Track &t, const QByteArray &bytes)
    {
        Incoming ahead = t.incoming;
        if (const QString problem = take(&ahead, bytes); !problem.isEmpty())
            fail(int(&t - m_tracks.data()), QStringLiteral("lookahead(): ") + problem);
    }

    void checkAll()
    {
        for (int i = 0; i < Sockets && m_problem.isEmpty(); ++i) {
            Track &t = m_tracks[size_t(i)];
            IPCSocket &s = *t.socket;
            const bool listening = t.state == Track::Listening;
            const bool connected = t.state == Track::Connecting || t.state == Track::Connected;
            if (s.isListening() != listening)
                fail(i, QStringLiteral("isListening() is %1 in state %2")
                                .arg(s.isListening())
                                .arg(int(t.state)));
            else if (s.isConnected() != connected)
                fail(i, QStringLiteral("isConnected() is %1 in state %2")
                                .arg(s.isConnected())
                                .arg(int(t.state)));
            else if (s.lastErrorCode() != t.lastError)
                fail(i, QStringLiteral("lastErrorCode() is %1, the last error() was %2")
                                .arg(s.lastErrorCode())
                                .arg(t.lastError));
            else if (s.bytesAvailable() < 0)
                fail(i, QStringLiteral("bytesAvailable() is %1").arg(s.bytesAvailable()));
            else if (t.state == Track::Idle
                     && (s.bytesAvailable() != 0 || s.bytesLeftToSend() != 0 || s.handle() != -1
                         || s.isOpen()))
                fail(i, QStringLiteral("closed, but %1 available, %2 left to send, handle %3")
                                .arg(s.bytesAvailable())
                                .arg(s.bytesLeftToSend())
                                .arg(s.handle()));
            else if (t.state == Track::Lost && s.bytesLeftToSend() != 0)
                fail(i, QStringLiteral("%1 bytes left to send after 102").arg(s.bytesLeftToSend()));
            else if ((listening || connected) && s.handle() < 0)
                fail(i, QStringLiteral("no handle in state %1").arg(int(t.state)));
            else if (t.state == Track::Lost && s.bytesAvailable() == 0 && !t.totalChecked
                     && t.incoming.isKeyKnown())
                checkTotal(i);
        }
    }

    // Lost means the sender closed: close() (and the destructor) send
    // everything write() accepted first.
    void checkTotal(int index)
    {
        Track &t = m_tracks[size_t(index)];
        t.totalChecked = true;
        const qint64 sent = m_accepted.at(t.incoming.key());
        if (t.incoming.received() != sent)
            fail(index, QStringLiteral("the sender's write() accepted %1 bytes, %2 arrived "
                                       "before the 102")
                                .arg(sent)
                                .arg(t.incoming.received()));
    }

    Random &m_random;
    QString m_dir;
    QStringList m_paths;
    std::array<Track, Sockets> m_tracks;
    std::map<quint64, qint64> m_accepted; // by stream key: what write() took
    std::deque<QString> m_trace;
    QString m_problem;
    qint64 m_bytesChecked = 0;
    qint64 m_errorsSeen = 0;
    qint64 m_connections = 0;
};

} // namespace

namespace {

// Reading from a socket that is not open is one of the driver's moves;
// QIODevice warns about each, as it does for every device.
QtMessageHandler previousHandler = nullptr;
qint64 notOpenWarnings = 0;

void quietNotOpen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && message.endsWith(QLatin1String("device not open"))) {
        ++notOpenWarnings;
        return;
    }
    previousHandler(type, context, message);
}

} // namespace

int runFuzz(const Options &options, Random &random)
{
    previousHandler = qInstallMessageHandler(quietNotOpen);
    const auto restore = qScopeGuard([] { qInstallMessageHandler(previousHandler); });
    const qint64 episodes = options.rounds > 0 ? options.rounds : 50;
    Watchdog watchdog;
    qint64 steps = 0, bytes = 0, errors = 0, connections = 0;
    for (qint64 episode = 0; episode < episodes; ++episode) {
        QTemporaryDir dir(QStringLiteral("/tmp/ipcfuzz-XXXXXX"));
        watchdog.arm(QStringLiteral("fuzz episode %1").arg(episode), 120 * slowdown());
        Fuzzer fuzzer(random, dir.path());
        for (int i = 0; i < StepsPerEpisode; ++i, ++steps) {
            QString why;
            if (!fuzzer.step(&why)) {
                complain(QStringLiteral("fuzz: episode %1, step %2: %3")
                                 .arg(episode)
                                 .arg(i)
                                 .arg(why));
                return 1;
            }
        }
        bytes += fuzzer.bytesChecked();
        errors += fuzzer.errorsSeen();
        connections += fuzzer.connections();
    }
    watchdog.disarm();
    say(QStringLiteral("fuzz: ok, %1 episodes, %2 steps, %3 connections, %4 errors checked, "
                       "%5 bytes checked, %6 reads while not open")
                .arg(episodes)
                .arg(steps)
                .arg(connections)
                .arg(errors)
                .arg(bytes)
                .arg(notOpenWarnings));
    return 0;
}

} // namespace Stress
