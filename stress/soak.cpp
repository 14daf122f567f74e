// SPDX-License-Identifier: BSD-3-Clause
//
// soak: two processes stream both ways at once for --seconds, with random
// write and read sizes and pauses; every byte is checked on arrival.

#include "commands.h"
#include "duplex.h"
#include "exchange.h"
#include "random.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>

namespace Stress {

int runSoak(const Options &options, Random &random)
{
    const qint64 seconds = options.seconds > 0 ? options.seconds : 10;
    const int bound = 60000 * slowdown();
    QTemporaryDir dir(QStringLiteral("/tmp/ipcstress-XXXXXX"));
    Watchdog watchdog;
    watchdog.arm(QStringLiteral("soak of %1 s").arg(seconds), int(seconds) + 5 * bound / 1000);

    const bool listenHere = random.chance(0.5);
    const quint64 ownSeed = random.next(), peerSeed = random.next();
    const quint64 outKey = random.next(), inKey = random.next();
    IPCSocket socket;
    socket.setPath(dir.filePath(QStringLiteral("soak.sock")));
    Duplex duplex(&socket, ownSeed, outKey, inKey, Duplex::Shape());

    QElapsedTimer clock;
    QTimer progress;
    QObject::connect(&socket, &IPCSocket::connected, &duplex, [&] {
        clock.start();
        QTimer::singleShot(int(seconds * 1000), &duplex, &Duplex::stopSending);
        progress.start(30000);
    });
    QObject::connect(&progress, &QTimer::timeout, &duplex, [&] {
        say(QStringLiteral("soak: %1 s, %2 MiB sent, %3 MiB received")
                    .arg(clock.elapsed() / 1000)
                    .arg(duplex.sent() >> 20)
                    .arg(duplex.received() >> 20));
    });

    QString why;
    auto peer = startWithPeer(socket, listenHere, QStringLiteral("duplex"),
                              {QString::number(peerSeed), QString::number(inKey),
                               QString::number(outKey), QStringLiteral("-1"),
                               QString::number(seconds)},
                              bound, &why);
    if (peer) // the exchange's own bounds start when the sending ends
        waitUntil([&] { return duplex.isSendingDone() || !duplex.problem().isEmpty(); },
                  int(seconds * 1000) + bound);
    if (!peer || !finishExchange(socket, duplex, *peer, bound, &why)) {
        complain(QStringLiteral("soak: %1").arg(why));
        return 1;
    }
    const double elapsed = clock.elapsed() / 1000.0;
    const qint64 total = duplex.sent() + duplex.received();
    say(QStringLiteral("soak: ok, %1 s, %2 bytes moved (%3 this way, %4 the other), %5 MiB/s, "
                       "this side %6")
                .arg(elapsed, 0, 'f', 1)
                .arg(total)
                .arg(duplex.sent())
                .arg(duplex.received())
                .arg(total / 1048576.0 / qMax(elapsed, 0.001), 0, 'f', 1)
                .arg(listenHere ? QStringLiteral("listened") : QStringLiteral("connected")));
    return 0;
}

} // namespace Stress
