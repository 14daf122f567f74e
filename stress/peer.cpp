// SPDX-License-Identifier: BSD-3-Clause
//
// The second process of soak and faults: this program started again as
//
//   --peer duplex listen|connect PATH SEED SENDKEY RECEIVEKEY LIMIT SECONDS
//       streams both ways (LIMIT bytes, -1 for no limit; for SECONDS after
//       connected(), 0 for no limit); prints "sent N" once all went, and
//       at the 102 "received M ok" (or "received M bad WHAT")
//   --peer close-after listen|connect PATH SEED SENDKEY N
//       writes N bytes at once, close()s at once, prints "closed N" and
//       waits to be killed
//
// Every event is a line on stdout; "listening" once listen() returned.

#include "commands.h"
#include "duplex.h"
#include "stream.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace Stress {

namespace {

bool start(IPCSocket &socket, const QString &role)
{
    if (role == QLatin1String("listen")) {
        if (!socket.listen())
            return false;
        say(QStringLiteral("listening"));
        return true;
    }
    return socket.connect();
}

int runDuplex(const QStringList &args)
{
    IPCSocket socket;
    socket.setPath(args.at(1));
    Duplex duplex(&socket, args.at(2).toULongLong(), args.at(3).toULongLong(),
                  args.at(4).toULongLong(), Duplex::Shape());
    duplex.setSendLimit(args.at(5).toLongLong());
    const int seconds = args.at(6).toInt();
    QObject::connect(&socket, &IPCSocket::connected, &duplex, [&] {
        say(QStringLiteral("connected"));
        if (seconds > 0)
            QTimer::singleShot(seconds * 1000, &duplex, &Duplex::stopSending);
    });
    QObject::connect(&duplex, &Duplex::sendingDone, &duplex,
                     [&] { say(QStringLiteral("sent %1").arg(duplex.sent())); });
    int exitCode = 0;
    QObject::connect(&duplex, &Duplex::lost, &duplex, [&] {
        const QString problem = duplex.problem();
        say(QStringLiteral("received %1 %2")
                    .arg(duplex.received())
                    .arg(problem.isEmpty() ? QStringLiteral("ok")
                                           : QStringLiteral("bad ") + problem));
        exitCode = problem.isEmpty() ? 0 : 1;
        QCoreApplication::quit();
    });
    QObject::connect(&socket, &IPCSocket::error, &duplex, [](int code, const QString &message) {
        if (code != 102)
            say(QStringLiteral("error %1 %2").arg(code).arg(message));
    });
    if (!start(socket, args.at(0)))
        return 2;
    return QCoreApplication::exec() == 0 ? exitCode : 1;
}

int runCloseAfter(const QStringList &args)
{
    IPCSocket socket;
    socket.setPath(args.at(1));
    Random random(args.at(2).toULongLong());
    StreamWriter writer(args.at(3).toULongLong());
    const qint64 total = args.at(4).toLongLong();
    QObject::connect(&socket, &IPCSocket::connected, &socket, [&] {
        say(QStringLiteral("connected"));
        while (writer.offset() < total) {
            const qint64 size = qMin(random.spread(1, 1024 * 1024), total - writer.offset());
            writer.accepted(size, socket.write(writer.next(size)));
        }
        // At once, with most of it still queued: close() sends it first.
        socket.close();
        say(QStringLiteral("closed %1").arg(writer.offset()));
    });
    if (!start(socket, args.at(0)))
        return 2;
    return QCoreApplication::exec();
}

} // namespace

int runPeer(const QStringList &arguments)
{
#ifdef Q_OS_LINUX
    // Never outlive the process that runs the case, however it ends.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    // The longest a case gives its peer, soak included, is far less.
    Watchdog watchdog;
    watchdog.arm(QStringLiteral("peer %1").arg(arguments.join(u' ')), 7200);
    const QString mode = arguments.value(0);
    const QStringList args = arguments.mid(1);
    if (mode == QLatin1String("duplex") && args.size() == 7)
        return runDuplex(args);
    if (mode == QLatin1String("close-after") && args.size() == 5)
        return runCloseAfter(args);
    complain(QStringLiteral("bad peer arguments: %1").arg(arguments.join(u' ')));
    return 2;
}

} // namespace Stress
