// SPDX-License-Identifier: BSD-3-Clause
//
// faults: per round the peer process is killed, stopped and resumed, closes
// after N bytes, or this side closes; each at a random moment. Nothing may
// hang, crash, lose a byte it promised, or report an end more than once.

#include "commands.h"
#include "duplex.h"
#include "exchange.h"
#include "random.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qtemporarydir.h>

#include <array>
#include <csignal>

namespace Stress {

namespace {

enum Fault { Kill, StopAndContinue, PeerClosesAfter, ThisSideCloses, FaultCount };

const char *nameOf(Fault fault)
{
    switch (fault) {
    case Kill:
        return "kill";
    case StopAndContinue:
        return "stop";
    case PeerClosesAfter:
        return "peer-closes";
    case ThisSideCloses:
        return "this-side-closes";
    case FaultCount:
        break;
    }
    return "?";
}

class Round
{
public:
    Round(Random &random, const QString &path)
        : m_random(random), m_listenHere(random.chance(0.5)), m_peerSeed(random.next())
    {
        m_socket.setPath(path);
        m_outKey = random.next();
        m_inKey = random.next();
        m_duplex = std::make_unique<Duplex>(&m_socket, random.next(), m_outKey, m_inKey,
                                            Duplex::Shape());
        QObject::connect(&m_socket, &IPCSocket::connected, m_duplex.get(),
                         [this] { ++m_connected; });
        QObject::connect(&m_socket, &IPCSocket::error, m_duplex.get(),
                         [this](int code) { m_errors.append(code); });
    }

    bool run(Fault fault, QString *why)
    {
        switch (fault) {
        case Kill:
            return kill(why);
        case StopAndContinue:
            return stopAndContinue(why);
        case PeerClosesAfter:
            return peerClosesAfter(why);
        case ThisSideCloses:
            return thisSideCloses(why);
        case FaultCount:
            break;
        }
        return false;
    }

    qint64 bytesMoved() const { return m_duplex->sent() + m_duplex->received(); }

private:
    bool start(const QString &mode, const QStringList &arguments, QString *why)
    {
        m_peer = startWithPeer(m_socket, m_listenHere, mode, arguments, m_bound, why);
        return m_peer != nullptr;
    }

    QStringList duplexArguments(qint64 limit) const
    {
        return {QString::number(m_peerSeed), QString::number(m_inKey), QString::number(m_outKey),
                QString::number(limit), QStringLiteral("0")};
    }

    // What has to hold after the connection ended by the peer's doing.
    bool checkLost(qint64 expectedBytes, QString *why)
    {
        spin(int(m_random.between(20, 100))); // time for a second 102 to show
        if (!m_duplex->problem().isEmpty())
            *why = m_duplex->problem();
        else if (m_connected > 1)
            *why = QStringLiteral("connected() %1 times").arg(m_connected);
        else if (m_duplex->lostCount() != m_connected)
            *why = QStringLiteral("102 came %1 times after %2 connected()")
                           .arg(m_duplex->lostCount())
                           .arg(m_connected);
        else if (m_connected && m_socket.isConnected())
            *why = QStringLiteral("isConnected() after 102");
        else if (expectedBytes >= 0 && m_duplex->received() != expectedBytes)
            *why = QStringLiteral("%1 of the peer's %2 bytes arrived")
                           .arg(m_duplex->received())
                           .arg(expectedBytes);
        else if (m_connected && m_socket.bytesLeftToSend() != 0)
            *why = QStringLiteral("bytesLeftToSend() is %1 after 102: it will never be sent")
                           .arg(m_socket.bytesLeftToSend());
        else if (m_connected && m_socket.write(QByteArray("x")) != -1)
            *why = QStringLiteral("write() after 102 was accepted");
        else if (m_connected && m_socket.lastErrorCode() != IPCSocket::InvalidStateError)
            *why = QStringLiteral("write() after 102 gave %1, not 106")
                           .arg(m_socket.lastErrorCode());
        if (!why->isEmpty())
            return false;
        const qsizetype before = m_errors.size();
        m_socket.close();
        if (m_errors.size() != before) {
            *why = QStringLiteral("close() gave error %1").arg(m_errors.last());
            return false;
        }
        return true;
    }

    bool kill(QString *why)
    {
        if (!start(QStringLiteral("duplex"), duplexArguments(-1), why))
            return false;
        spin(int(m_random.between(0, 400)));
        m_peer->signal(SIGKILL);
        if (!m_peer->waitForExit(m_bound)) {
            *why = QStringLiteral("the killed peer did not end");
            return false;
        }
        if (m_connected || m_socket.isConnected())
            waitUntil([&] { return m_duplex->lostCount() > 0; }, m_bound);
        // Killed before it connected: this side still waits for a peer.
        if (!m_connected && m_listenHere && !m_socket.isListening()) {
            *why = QStringLiteral("the listener stopped listening without a peer");
            return false;
        }
        return checkLost(-1, why);
    }

    bool stopAndContinue(QString *why)
    {
        const qint64 limitOut = m_random.spread(1, 32 * 1024 * 1024);
        const qint64 limitIn = m_random.spread(1, 32 * 1024 * 1024);
        m_duplex->setSendLimit(limitOut);
        if (!start(QStringLiteral("duplex"), duplexArguments(limitIn), why))
            return false;
        spin(int(m_random.between(0, 100)));
        m_peer->signal(SIGSTOP);
        spin(int(m_random.between(50, 500)));
        m_peer->signal(SIGCONT);
        return finishExchange(m_socket, *m_duplex, *m_peer, m_bound, why);
    }

    bool peerClosesAfter(QString *why)
    {
        // Now and then a peer that closes before its first byte: a peer
        // that left, on either side (connected(), then 102).
        const qint64 total = m_random.chance(0.1) ? 0 : m_random.spread(1, 8 * 1024 * 1024);
        if (!start(QStringLiteral("close-after"),
                   {QString::number(m_peerSeed), QString::number(m_inKey), QString::number(total)},
                   why))
            return false;
        if (!waitUntil([&] { return m_duplex->lostCount() > 0; }, m_bound)) {
            *why = QStringLiteral("no 102 after the peer closed: %1 of %2 bytes arrived; %3")
                           .arg(m_duplex->received())
                           .arg(total)
                           .arg(m_peer->describe());
            return false;
        }
        return checkLost(total, why);
    }

    bool thisSideCloses(QString *why)
    {
        if (!start(QStringLiteral("duplex"), duplexArguments(-1), why))
            return false;
        if (!waitUntil([&] { return m_connected > 0; }, m_bound)) {
            *why = QStringLiteral("never connected: %1").arg(m_peer->describe());
            return false;
        }
        spin(int(m_random.between(0, 300)));
        const qsizetype before = m_errors.size();
        m_socket.close();
        const QByteArray line = m_peer->waitForLine("received ", m_bound);
        const QByteArray expected = "received " + QByteArray::number(m_duplex->sent()) + " ok";
        spin(20);
        if (m_errors.size() != before)
            *why = QStringLiteral("the side that closed got error %1").arg(m_errors.last());
        else if (line != expected)
            *why = QStringLiteral("this side's write() accepted %1 bytes; %2")
                           .arg(m_duplex->sent())
                           .arg(m_peer->describe());
        else if (!m_peer->waitForExit(m_bound) || !m_peer->exitedCleanly())
            *why = QStringLiteral("the peer did not end cleanly: %1").arg(m_peer->describe());
        return why->isEmpty();
    }

    Random &m_random;
    const int m_bound = 20000 * slowdown();
    const bool m_listenHere;
    const quint64 m_peerSeed;
    quint64 m_outKey = 0;
    quint64 m_inKey = 0;
    IPCSocket m_socket;
    std::unique_ptr<Duplex> m_duplex;
    std::unique_ptr<PeerProcess> m_peer;
    int m_connected = 0;
    QList<int> m_errors;
};

} // namespace

int runFaults(const Options &options, Random &random)
{
    const qint64 rounds = options.rounds > 0 ? options.rounds : 100;
    QTemporaryDir dir(QStringLiteral("/tmp/ipcstress-XXXXXX"));
    // One path for every round: a killed listener's file is the next
    // round's stale file.
    const QString path = dir.filePath(QStringLiteral("faults.sock"));
    Watchdog watchdog;
    std::array<int, FaultCount> counts = {};
    qint64 bytes = 0;
    for (qint64 round = 0; round < rounds; ++round) {
        const auto fault = Fault(random.between(0, FaultCount - 1));
        watchdog.arm(
                QStringLiteral("faults round %1 (%2)").arg(round).arg(QLatin1String(nameOf(fault))),
                120 * slowdown());
        Round r(random, path);
        QString why;
        if (!r.run(fault, &why)) {
            complain(QStringLiteral("faults: round %1 (%2): %3")
                             .arg(round)
                             .arg(QLatin1String(nameOf(fault)), why));
            return 1;
        }
        bytes += r.bytesMoved();
        ++counts[fault];
    }
    watchdog.disarm();
    say(QStringLiteral("faults: ok, %1 rounds (kill %2, stop %3, peer-closes %4, "
                       "this-side-closes %5), %6 bytes checked")
                .arg(rounds)
                .arg(counts[Kill])
                .arg(counts[StopAndContinue])
                .arg(counts[PeerClosesAfter])
                .arg(counts[ThisSideCloses])
                .arg(bytes));
    return 0;
}

} // namespace Stress
