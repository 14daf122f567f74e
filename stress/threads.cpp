// SPDX-License-Identifier: BSD-3-Clause
//
// threads: two IPCSockets in two worker threads, one created there and one
// moved there with moveToThread() before listen()/connect(), stream both
// ways while other threads connect receivers to their signals and destroy
// them. Every byte is checked.

#include "commands.h"
#include "duplex.h"
#include "random.h"
#include "support.h"

#include <workerthread.h>

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace Stress {

namespace {

using Worker = WorkerThread;

// One socket and its stream, living in a worker thread.
struct Side
{
    ~Side() { destroy(); } // in the worker thread, which is still running here

    Worker worker;
    std::unique_ptr<IPCSocket> socket;
    std::unique_ptr<Duplex> duplex;

    qint64 sent()
    {
        return worker.ask<qint64>([this] { return duplex->sent(); });
    }
    qint64 received()
    {
        return worker.ask<qint64>([this] { return duplex->received(); });
    }
    bool sendingDone()
    {
        return worker.ask<bool>([this] { return duplex->isSendingDone(); });
    }
    QString problem()
    {
        return worker.ask<QString>([this] {
            if (!duplex->problem().isEmpty())
                return duplex->problem();
            if (duplex->lostCount() > 0)
                return QStringLiteral("102 while both sides were open");
            return QString();
        });
    }
    void destroy()
    {
        worker.run([this] {
            duplex.reset();
            socket.reset();
        });
    }
};

class Receiver : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void poke() { }
};

// Receivers made, connected and destroyed in batches at many addresses.
void churnReceivers(IPCSocket *a, IPCSocket *b, int batchSize)
{
    std::vector<std::unique_ptr<Receiver>> receivers;
    for (int i = 0; i < batchSize; ++i) {
        auto receiver = std::make_unique<Receiver>();
        Receiver *context = receiver.get();
        for (IPCSocket *socket : {a, b}) {
            QObject::connect(socket, SIGNAL(bytesWritten(qint64)), context, SLOT(poke()));
            QObject::connect(socket, SIGNAL(bytesLeftToSendChanged()), context, SLOT(poke()));
            QObject::connect(socket, SIGNAL(dataAvailable()), context, SLOT(poke()));
            QObject::connect(socket, SIGNAL(error(int, QString)), context, SLOT(poke()));
#ifndef IPCSOCKET_TSAN_BUILD
            // Not under ThreadSanitizer: Qt hands a functor's slot object from
            // the connecting thread to the one that cleans the connection up
            // under its own locks, which it cannot see (Qt is not
            // instrumented), and reports each as a race.
            QObject::connect(socket, &IPCSocket::bytesWritten, context, [] {});
            QObject::connect(socket, &IPCSocket::dataAvailable, context, [] {});
#endif
            if (i % 3 == 0)
                QObject::disconnect(socket, SIGNAL(bytesWritten(qint64)), context, nullptr);
            if (i % 5 == 0)
                QObject::disconnect(socket, nullptr, context, nullptr);
        }
        receivers.push_back(std::move(receiver));
    }
    // ~QObject() disconnects what is left, with the receiver's lock held.
}

} // namespace

int runThreads(const Options &options, Random &random)
{
    const qint64 seconds = options.seconds > 0 ? options.seconds : 5;
    const int bound = 60000 * slowdown();
    QTemporaryDir dir(QStringLiteral("/tmp/ipcstress-XXXXXX"));
    const QString path = dir.filePath(QStringLiteral("threads.sock"));
    Watchdog watchdog;
    watchdog.arm(QStringLiteral("threads"), int(seconds) + 4 * bound / 1000);

    Duplex::Shape shape;
    shape.maximumWrite = 256 * 1024;
    shape.maximumRead = 256 * 1024;
    shape.queueBound = 1024 * 1024;
    const quint64 keyAB = random.next(), keyBA = random.next();
    const quint64 seedA = random.next(), seedB = random.next();
    const bool createdSideListens = random.chance(0.5);

    Side a, b;
    // a: created in its thread.
    a.worker.run([&] {
        a.socket = std::make_unique<IPCSocket>();
        a.socket->setPath(path);
        a.duplex = std::make_unique<Duplex>(a.socket.get(), seedA, keyAB, keyBA, shape);
    });
    // b: created here, moved to its thread before it starts.
    b.socket = std::make_unique<IPCSocket>();
    b.socket->setPath(path);
    b.socket->moveToThread(b.worker.workerThread());
    b.worker.run([&] {
        b.duplex = std::make_unique<Duplex>(b.socket.get(), seedB, keyBA, keyAB, shape);
    });

    // Receivers in this thread too, with queued connections across threads.
    std::atomic<qint64> announced{0};
    QObject observer;
    for (IPCSocket *socket : {a.socket.get(), b.socket.get()})
        QObject::connect(socket, &IPCSocket::dataAvailable, &observer, [&] { ++announced; });

    Side &listener = createdSideListens ? a : b;
    Side &connector = createdSideListens ? b : a;
    bool started = listener.worker.ask<bool>([&] { return listener.socket->listen(); });
    started = started && connector.worker.ask<bool>([&] { return connector.socket->connect(); });
    if (!started) {
        complain(QStringLiteral("threads: listen()/connect() in the worker threads failed"));
        return 1;
    }

    std::atomic<bool> stop{false};
    std::atomic<qint64> batches{0};
    std::vector<std::thread> churners;
    for (int t = 0; t < 2; ++t) {
        churners.emplace_back([&, t] {
            while (!stop.load()) {
                churnReceivers(a.socket.get(), b.socket.get(), 16 + 16 * t);
                ++batches;
            }
        });
    }

    spin(int(seconds * 1000));
    for (Side *side : {&a, &b})
        side->worker.run([side] { side->duplex->stopSending(); });
    QString why;
    const bool drained = waitUntil(
            [&] {
                if (!a.problem().isEmpty() || !b.problem().isEmpty())
                    return true;
                return a.sendingDone() && b.sendingDone() && a.received() == b.sent()
                       && b.received() == a.sent();
            },
            bound);
    stop = true;
    for (std::thread &thread : churners)
        thread.join();
    if (!a.problem().isEmpty() || !b.problem().isEmpty())
        why = a.problem().isEmpty() ? b.problem() : a.problem();
    else if (!drained)
        why = QStringLiteral("not every byte arrived: a sent %1 and received %2, b sent %3 and "
                             "received %4")
                      .arg(a.sent())
                      .arg(a.received())
                      .arg(b.sent())
                      .arg(b.received());
    const qint64 total = a.sent() + b.sent();
    a.destroy();
    b.destroy();
    spin(10); // the observer's queued calls
    watchdog.disarm();
    if (!why.isEmpty()) {
        complain(QStringLiteral("threads: %1").arg(why));
        return 1;
    }
    say(QStringLiteral("threads: ok, %1 s, %2 bytes both ways checked, %3 receiver batches "
                       "connected and destroyed in 2 threads, %4 dataAvailable() seen across "
                       "threads; the %5 side listened")
                .arg(seconds)
                .arg(total)
                .arg(batches.load())
                .arg(announced.load())
                .arg(createdSideListens ? QStringLiteral("created-in-thread")
                                        : QStringLiteral("moved-to-thread")));
    return 0;
}

} // namespace Stress

#include "threads.moc"
