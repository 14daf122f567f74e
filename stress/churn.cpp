// SPDX-License-Identifier: BSD-3-Clause
//
// churn: thousands of listen/connect/close cycles on one path, sockets
// destroyed while connected, failed attempts, and receivers of the
// sockets' signals that come and go; descriptors and resident memory must
// not grow.

#include "commands.h"
#include "random.h"
#include "stream.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qcoreevent.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>

#include <array>
#include <memory>
#include <vector>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Stress {

namespace {

// What may grow over the whole run, after a warm-up: a descriptor or two
// that Qt opens once (the event dispatcher's, an inotify), and what the
// allocator keeps in its pools.
constexpr int DescriptorTolerance = 2;
constexpr qint64 MemoryTolerance = 8 * 1024 * 1024;

enum Cycle {
    ListenerClosesFirst,
    ConnectorClosesFirst,
    DestroyedWhileConnected,
    NothingListening,
    ListenerLeavesBeforeAccepting,
    ListenWithoutPeer,
    CycleCount
};

// A socket file left by a listener that crashed.
void makeStaleFile(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof(address.sun_path));
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address));
    ::close(fd);
}

class Churn
{
public:
    Churn(Random &random, const QString &path) : m_random(random), m_path(path)
    {
        m_a = fresh();
        m_b = fresh();
    }

    bool cycle(Cycle kind, QString *why)
    {
        addReceivers();
        bool ok = false;
        switch (kind) {
        case ListenerClosesFirst:
        case ConnectorClosesFirst:
        case DestroyedWhileConnected:
            ok = pair(kind, why);
            break;
        case NothingListening:
            ok = nothingListening(why);
            break;
        case ListenerLeavesBeforeAccepting:
            ok = listenerLeaves(why);
            break;
        case ListenWithoutPeer:
            ok = m_a->listen();
            if (!ok)
                *why = QStringLiteral("listen() failed: %1").arg(m_a->errorString());
            m_a->close();
            break;
        case CycleCount:
            break;
        }
        m_receivers.clear();
        if (ok && (m_a->isOpen() || m_b->isOpen() || m_a->isListening())) {
            *why = QStringLiteral("a socket is still open after its cycle");
            ok = false;
        }
        return ok;
    }

    // Deferred deletes and lingering connections done, as far as the
    // event loop goes.
    static void settle()
    {
        spin(50);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }

private:
    std::unique_ptr<IPCSocket> fresh()
    {
        auto socket = std::make_unique<IPCSocket>();
        socket->setPath(m_path);
        QObject::connect(socket.get(), &IPCSocket::error, socket.get(),
                         [this](int code) { m_lastErrors.append(code); });
        return socket;
    }

    void addReceivers()
    {
        for (qint64 i = m_random.between(0, 32); i > 0; --i) {
            auto receiver = std::make_unique<QObject>();
            IPCSocket *socket = m_random.chance(0.5) ? m_a.get() : m_b.get();
            QObject *context = receiver.get();
            if (m_random.chance(0.5))
                QObject::connect(socket, &IPCSocket::bytesWritten, context, [] {});
            if (m_random.chance(0.5))
                QObject::connect(socket, &IPCSocket::bytesLeftToSendChanged, context, [] {});
            if (m_random.chance(0.5))
                QObject::connect(socket, &IPCSocket::dataAvailable, context, [] {});
            if (m_random.chance(0.5))
                QObject::connect(socket, &IPCSocket::error, context, [] {});
            if (m_random.chance(0.2))
                QObject::disconnect(socket, nullptr, context, nullptr);
            m_receivers.push_back(std::move(receiver));
        }
    }

    void dropSomeReceivers()
    {
        while (!m_receivers.empty() && m_random.chance(0.5))
            m_receivers.erase(m_receivers.begin()
                              + qsizetype(m_random.between(0, qint64(m_receivers.size()) - 1)));
    }

    bool connectPair(QString *why)
    {
        if (m_random.chance(0.3))
            makeStaleFile(m_path); // the listener replaces it
        if (!m_a->listen() || !m_b->connect()) {
            *why = QStringLiteral("listen()/connect() failed: %1 / %2")
                           .arg(m_a->errorString(), m_b->errorString());
            return false;
        }
        if (!waitUntil([&] { return m_a->isConnected(); }, 10000 * slowdown())) {
            *why = QStringLiteral("the listener never got its peer");
            return false;
        }
        return true;
    }

    bool exchange(QString *why)
    {
        const quint64 keyAB = m_random.next(), keyBA = m_random.next();
        StreamWriter toB(keyAB), toA(keyBA);
        StreamChecker atB(keyAB), atA(keyBA);
        const qint64 ab = m_random.spread(1, 256 * 1024), ba = m_random.spread(1, 256 * 1024);
        m_a->write(toB.next(ab));
        m_b->write(toA.next(ba));
        dropSomeReceivers();
        const bool arrived = waitUntil(
                [&] {
                    atB.check(m_b->readAll());
                    atA.check(m_a->readAll());
                    return (atB.received() == ab && atA.received() == ba) || !atA.isGood()
                           || !atB.isGood();
                },
                10000 * slowdown());
        if (!atA.isGood() || !atB.isGood())
            *why = atA.isGood() ? atB.problem() : atA.problem();
        else if (!arrived)
            *why = QStringLiteral("%1 of %2 and %3 of %4 bytes arrived")
                           .arg(atB.received())
                           .arg(ab)
                           .arg(atA.received())
                           .arg(ba);
        return why->isEmpty();
    }

    bool pair(Cycle kind, QString *why)
    {
        if (!connectPair(why) || !exchange(why))
            return false;
        // Left queued at the end: close() or the destructor still sends it.
        if (m_random.chance(0.3))
            m_b->write(StreamWriter(m_random.next()).next(m_random.spread(1, 1024 * 1024)));
        IPCSocket *first = kind == ListenerClosesFirst ? m_a.get() : m_b.get();
        IPCSocket *second = first == m_a.get() ? m_b.get() : m_a.get();
        m_lastErrors.clear();
        if (kind == DestroyedWhileConnected)
            m_b = fresh(); // the old one goes with its connection
        else
            first->close();
        if (m_random.chance(0.5)) {
            if (!waitUntil([&] { return m_lastErrors.contains(102); }, 10000 * slowdown())) {
                *why = QStringLiteral("no 102 after the other side closed");
                return false;
            }
            second->readAll();
        }
        second->close();
        if (kind == DestroyedWhileConnected)
            m_b->close();
        else
            first->close();
        return true;
    }

    bool nothingListening(QString *why)
    {
        if (m_random.chance(0.5))
            makeStaleFile(m_path);
        m_lastErrors.clear();
        if (m_b->connect() || m_lastErrors != QList<int>{103}) {
            *why = QStringLiteral("connect() to nobody gave %1").arg(m_b->errorString());
            return false;
        }
        QFile::remove(m_path);
        return true;
    }

    bool listenerLeaves(QString *why)
    {
        if (!m_a->listen() || !m_b->connect()) {
            *why = QStringLiteral("listen()/connect() failed");
            return false;
        }
        m_lastErrors.clear();
        m_a->close(); // before the event loop let it take the peer
        const bool lost = waitUntil([&] { return m_lastErrors.contains(102); }, 10000 * slowdown());
        m_b->close();
        if (!lost) {
            *why = QStringLiteral("the connector did not hear that the listener left");
            return false;
        }
        return true;
    }

    Random &m_random;
    QString m_path;
    std::unique_ptr<IPCSocket> m_a;
    std::unique_ptr<IPCSocket> m_b;
    std::vector<std::unique_ptr<QObject>> m_receivers;
    QList<int> m_lastErrors;
};

QString mebibytes(qint64 bytes)
{
    return QString::number(bytes / 1048576.0, 'f', 1) + QStringLiteral(" MiB");
}

} // namespace

int runChurn(const Options &options, Random &random)
{
    const qint64 cycles = options.rounds > 0 ? options.rounds : 3000;
    const qint64 warmUp = qMin<qint64>(200, cycles / 5);
    QTemporaryDir dir(QStringLiteral("/tmp/ipcstress-XXXXXX"));
    Watchdog watchdog;
    std::array<int, CycleCount> counts = {};
    int descriptorsBefore = 0;
    qint64 memoryBefore = 0;
    {
        Churn churn(random, dir.filePath(QStringLiteral("churn.sock")));
        for (qint64 i = 0; i < cycles; ++i) {
            if (i == warmUp) {
                Churn::settle();
                descriptorsBefore = openDescriptors();
                memoryBefore = residentBytes();
            }
            const auto kind = Cycle(random.between(0, CycleCount - 1));
            watchdog.arm(QStringLiteral("churn cycle %1 (kind %2)").arg(i).arg(int(kind)),
                         60 * slowdown());
            QString why;
            if (!churn.cycle(kind, &why)) {
                complain(QStringLiteral("churn: cycle %1 (kind %2): %3")
                                 .arg(i)
                                 .arg(int(kind))
                                 .arg(why));
                return 1;
            }
            ++counts[kind];
        }
        watchdog.disarm();
    }
    Churn::settle();
    const int descriptorsAfter = openDescriptors();
    const qint64 memoryAfter = residentBytes();
    say(QStringLiteral("churn: %1 cycles (%2 listener closes first, %3 connector closes first, "
                       "%4 destroyed while connected, %5 nothing listening, %6 listener leaves "
                       "first, %7 listen alone)")
                .arg(cycles)
                .arg(counts[ListenerClosesFirst])
                .arg(counts[ConnectorClosesFirst])
                .arg(counts[DestroyedWhileConnected])
                .arg(counts[NothingListening])
                .arg(counts[ListenerLeavesBeforeAccepting])
                .arg(counts[ListenWithoutPeer]));
    say(QStringLiteral("churn: after %1 warm-up cycles: descriptors %2 -> %3 (tolerance +%4), "
                       "resident memory %5 -> %6 (tolerance +%7)")
                .arg(warmUp)
                .arg(descriptorsBefore)
                .arg(descriptorsAfter)
                .arg(DescriptorTolerance)
                .arg(mebibytes(memoryBefore), mebibytes(memoryAfter), mebibytes(MemoryTolerance)));
    if (descriptorsAfter > descriptorsBefore + DescriptorTolerance) {
        complain(QStringLiteral("churn: descriptors grew from %1 to %2")
                         .arg(descriptorsBefore)
                         .arg(descriptorsAfter));
        return 1;
    }
#ifdef IPCSOCKET_SANITIZED
    say(QStringLiteral("churn: memory not judged here: the sanitizer keeps freed memory in "
                       "quarantine; LeakSanitizer checks for leaks at exit"));
#else
    if (memoryAfter > memoryBefore + MemoryTolerance) {
        complain(QStringLiteral("churn: resident memory grew from %1 to %2")
                         .arg(mebibytes(memoryBefore), mebibytes(memoryAfter)));
        return 1;
    }
#endif
    say(QStringLiteral("churn: ok"));
    return 0;
}

} // namespace Stress
