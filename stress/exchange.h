// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_EXCHANGE_H
#define STRESS_EXCHANGE_H

#include "support.h"

#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

#include <memory>

class IPCSocket;

namespace Stress {

class Duplex;

// Starts socket and a peer process on socket's path, one listening and
// the other connecting (the peer is told its role before its other
// arguments). nullptr, with *why, when it could not start.
std::unique_ptr<PeerProcess> startWithPeer(IPCSocket &socket, bool listenHere, const QString &mode,
                                           const QStringList &arguments, int boundMs, QString *why);

// The end of an exchange with a "duplex" peer whose sending is limited:
// once this side has sent its share, it waits for every byte of the peer's
// ("sent N"), closes, and checks that the peer received every byte this
// side's write() accepted ("received M ok"); false with *why on any
// difference.
bool finishExchange(IPCSocket &socket, Duplex &duplex, PeerProcess &peer, int boundMs,
                    QString *why);

} // namespace Stress

#endif // STRESS_EXCHANGE_H
