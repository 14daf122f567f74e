// SPDX-License-Identifier: BSD-3-Clause
#include "exchange.h"
#include "duplex.h"

#include <ipcsocket.h>

namespace Stress {

std::unique_ptr<PeerProcess> startWithPeer(IPCSocket &socket, bool listenHere, const QString &mode,
                                           const QStringList &arguments, int boundMs, QString *why)
{
    const QStringList peerArguments
            = QStringList{mode, listenHere ? QStringLiteral("connect") : QStringLiteral("listen"),
                          socket.path()}
              + arguments;
    if (listenHere) {
        if (!socket.listen()) {
            *why = QStringLiteral("listen() failed: %1").arg(socket.errorString());
            return nullptr;
        }
        return startPeer(peerArguments);
    }
    auto peer = startPeer(peerArguments);
    if (peer->waitForLine("listening", boundMs).isEmpty()) {
        *why = QStringLiteral("the peer did not listen: %1").arg(peer->describe());
        return nullptr;
    }
    if (!socket.connect()) {
        *why = QStringLiteral("connect() failed: %1").arg(socket.errorString());
        return nullptr;
    }
    return peer;
}

bool finishExchange(IPCSocket &socket, Duplex &duplex, PeerProcess &peer, int boundMs, QString *why)
{
    if (!waitUntil([&] { return duplex.isSendingDone() || !duplex.problem().isEmpty(); },
                   boundMs)) {
        *why = QStringLiteral("this side's sending did not end: %1 bytes sent, %2 left to send")
                       .arg(duplex.sent())
                       .arg(socket.bytesLeftToSend());
        return false;
    }
    const QByteArray sentLine = peer.waitForLine("sent ", boundMs);
    if (sentLine.isEmpty()) {
        *why = QStringLiteral("the peer's sending did not end: %1").arg(peer.describe());
        return false;
    }
    const qint64 peerSent = sentLine.mid(5).toLongLong();
    waitUntil([&] { return duplex.received() >= peerSent || !duplex.problem().isEmpty(); },
              boundMs);
    if (!duplex.problem().isEmpty()) {
        *why = duplex.problem();
        return false;
    }
    if (duplex.received() != peerSent || duplex.lostCount() != 0) {
        *why = QStringLiteral("the peer sent %1 bytes, %2 arrived (%3 times 102)")
                       .arg(peerSent)
                       .arg(duplex.received())
                       .arg(duplex.lostCount());
        return false;
    }
    socket.close();
    const QByteArray receivedLine = peer.waitForLine("received ", boundMs);
    const QByteArray expected = "received " + QByteArray::number(duplex.sent()) + " ok";
    if (receivedLine != expected) {
        *why = QStringLiteral("this side sent %1 bytes; %2")
                       .arg(duplex.sent())
                       .arg(peer.describe());
        return false;
    }
    if (!peer.waitForExit(boundMs) || !peer.exitedCleanly()) {
        *why = QStringLiteral("the peer did not end cleanly: %1").arg(peer.describe());
        return false;
    }
    return true;
}

} // namespace Stress
