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

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace Stress {

namespace {

// A worker thread with an event loop, and a way to run code in it.
class Worker
{
public:
    Worker()
    {
        m_thread.start();
        m_context.moveToThread(&m_thread);
    }
    ~Worker()
    {
        // Back to this thread before the worker's ends: it is destroyed here.
        run([this] { m_context.moveToThread(QCoreApplication::instance()->thread()); });
        m_thread.quit();
        m_thread.wait();
    }

    // Runs f in the worker thread and waits for it.
    void run(const std::function<void()> &f)
    {
        QMetaObject::invokeMethod(&m_context, f, Qt::BlockingQueuedConnection);
    }

    template<typename T>
    T ask(const std::function<T()> &f)
    {
        T answer{};
        run([&] { answer = f(); });
        return answer;
    }

    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject m_context;
};

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

// Receivers made, connected and destroyed in batches at many addresses.
void churnReceivers(IPCSocket *a, IPCSocket *b, int batchSize)
{
    std::vector<std::unique_ptr<QObject>> receivers;
    for (int i = 0; i < batchSize; ++i) {
        auto receiver = std::make_unique<QObject>();
        QObject *context = receiver.get();
        for (IPCSocket *socket : {a, b}) {
            QObject::connect(socket, &IPCSocket::bytesWritten, context, [] {});
            QObject::connect(socket, &IPCSocket::bytesLeftToSendChanged, context, [] {});
            QObject::connect(socket, &IPCSocket::dataAvailable, context, [] {});
            QObject::connect(socket, &IPCSocket::error, context, [] {});
            if (i % 3 == 0)
                QObject::disconnect(socket, &IPCSocket::bytesWritten, context, nullptr);
            if (i % 5 == 0)
                QObject::disconnect(socket, nullptr, context, nullptr);
        }
        receivers.push_back(std::move(receiver));
    }
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
    b.socket->moveToThread(b.worker.thread());
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
