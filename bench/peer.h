// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_PEER_H
#define BENCH_PEER_H

#include <QtCore/qjsonobject.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

// One side of one measurement, run in a process of its own.
namespace Bench {

enum class Transport {
    RawBlocking, // AF_UNIX, blocking read()/write()
    RawPoll, // AF_UNIX, non-blocking with poll(2)
    QLocalSocketLoop, // bare QLocalServer/QLocalSocket, readyRead, QCoreApplication
    IPCSocketCore, // IPCSocket, QCoreApplication event loop
    IPCSocketWidgets, // IPCSocket, QApplication (Widgets) event loop
    IPCSocketPoll, // IPCSocket driven by poll(), no event loop
    // Whole messages (the message cases):
    RawFramed, // AF_UNIX with poll(2), IPCMessageChannel's framing done by hand
    MessageChannel, // IPCMessageChannel over IPCSocket, QCoreApplication event loop
    // Baselines of their own tables:
    RawBurst, // AF_UNIX with poll(2), the writes of a burst gathered into one send
    QLocalSocketFramed, // the channel's framing done by hand over bare QLocalSocket
    RawFramedWide, // RawFramed with the send buffer IPCSocket asks the system for
    // IPCMessageChannel read in batches (messagesReceived(), receiveMessage())
    MessageChannelBatches,
};

QString nameOf(Transport transport);
bool transportNamed(const QString &name, Transport *transport);
// The byte-stream cases (the default --cases).
QStringList allTransportNames();
// The message cases, measured against each other.
QList<Transport> messageTransports();
// The cases of small writes in bursts.
QList<Transport> burstTransports();

enum class Phase {
    PingPong, // count messages of size bytes, each echoed back
    Stream, // bytes in writes of size (64 KiB if 0), then a one-byte acknowledgement
    Messages, // count messages of size bytes one way, then an empty one back
    // count writes of size bytes one way, BurstWrites of them a pass of the
    // event loop, then a one-byte acknowledgement
    Burst,
};

QString nameOf(Phase phase);
bool phaseNamed(const QString &name, Phase *phase);

struct Job
{
    Transport transport = Transport::RawBlocking;
    Phase phase = Phase::PingPong;
    bool server = false;
    QString path;
    qint64 size = 16;
    qint64 count = 1000;
    qint64 bytes = 0;
    int cpu = -1; // pin to this CPU, -1: do not pin
};

// Runs the job in this process and returns what it measured. The server
// prints "ready" on stdout once it listens.
QJsonObject run(const Job &job, int argc, char **argv);

// Monotonic nanoseconds, comparable across processes on one machine.
qint64 nowNs();

} // namespace Bench

#endif // BENCH_PEER_H
