// SPDX-License-Identifier: BSD-3-Clause
#include "peer.h"
#include "messagepeer.h"
#include "support.h"

#include <ipcsocket.h>

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>
#include <QtWidgets/qapplication.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <sched.h>
#include <vector>

namespace Bench {

namespace {

// In the order of Transport.
const char *const TransportNames[]
        = {"raw-blocking",        "raw-poll",          "qlocalsocket",
           "ipcsocket-core",      "ipcsocket-widgets", "ipcsocket-poll",
           "raw-framed",          "ipcmessagechannel", "raw-burst",
           "qlocalsocket-framed", "raw-framed-sndbuf", "ipcmessagechannel-batches"};
// The byte-stream cases: all before the message cases.
constexpr int StreamTransportCount = int(Transport::RawFramed);

// ---------------------------------------------------------------------------
// Raw AF_UNIX

QJsonObject runRaw(const Job &job)
{
    RawSocket socket(rawConnection(job), job.transport != Transport::RawBlocking);
    if (job.phase == Phase::PingPong) {
        std::vector<char> message(size_t(job.size), 'x');
        Recorder recorder;
        recorder.samples.reserve(size_t(job.count));
        for (qint64 i = 0; i < job.count; ++i) {
            if (job.server) {
                socket.readFull(message.data(), job.size);
                recorder.samples.push_back(nowNs() - stampOf(message.data(), job.size));
                socket.writeFull(message.data(), job.size);
            } else {
                const qint64 start = nowNs();
                stamp(message.data(), job.size);
                socket.writeFull(message.data(), job.size);
                socket.readFull(message.data(), job.size);
                recorder.samples.push_back(nowNs() - start);
            }
        }
        return recorder.result(job.server ? "oneway" : "rtt");
    }

    const qint64 writeSize = streamWriteSize(job);
    std::vector<char> chunk(size_t(ChunkBytes), 's');
    char ack = 'a';
    QJsonObject json;
    if (job.phase == Phase::Burst && !job.server) {
        // Writes of job.size: one send each, or a burst's gathered into one
        // buffer and one send (the limit for any library that collects).
        const bool gather = job.transport == Transport::RawBurst;
        std::vector<char> burst(size_t(BurstWrites * job.size));
        const std::vector<char> write(size_t(job.size), 'b');
        const qint64 start = nowNs();
        for (qint64 sent = 0; sent < job.count;) {
            const qint64 n = std::min(BurstWrites, job.count - sent);
            for (qint64 i = 0; i < n; ++i) {
                if (gather)
                    std::memcpy(burst.data() + i * job.size, write.data(), size_t(job.size));
                else
                    socket.writeFull(write.data(), job.size);
            }
            if (gather)
                socket.writeFull(burst.data(), n * job.size);
            sent += n;
        }
        socket.readFull(&ack, 1);
        json.insert(QLatin1String("seconds"), double(nowNs() - start) / 1e9);
        return json;
    }
    if (job.server) {
        for (qint64 received = 0; received < job.bytes;) {
            const qint64 n = std::min(ChunkBytes, job.bytes - received);
            socket.readFull(chunk.data(), n);
            received += n;
        }
        socket.writeFull(&ack, 1);
    } else {
        const qint64 start = nowNs();
        for (qint64 sent = 0; sent < job.bytes;) {
            const qint64 n = std::min(writeSize, job.bytes - sent);
            socket.writeFull(chunk.data(), n);
            sent += n;
        }
        socket.readFull(&ack, 1);
        json.insert(QLatin1String("seconds"), double(nowNs() - start) / 1e9);
    }
    return json;
}

// ---------------------------------------------------------------------------
// Qt: bare QLocalSocket, or IPCSocket with or without an event loop. The
// measurement is the same code for all three, over the QIODevice API.

class QtRunner
{
public:
    QtRunner(const Job &job, QIODevice *device, std::function<bool()> flush)
        : m_job(job), m_device(device), m_flush(std::move(flush)),
          m_buffer(size_t(std::max(job.size, ChunkBytes)), 'x')
    {
        QObject::connect(device, &QIODevice::readyRead, device, [this] { onReadyRead(); });
        // Only the streaming writer needs to hear of written bytes; a
        // program that does not listen to bytesWritten() is spared the
        // cost of reporting it (IPCSocket checks, QLocalSocket does not).
        if (!job.server && job.phase != Phase::PingPong)
            QObject::connect(device, &QIODevice::bytesWritten, device,
                             [this] { onBytesWritten(); });
    }

    // How the next burst is asked for: a queued call by default (the next
    // pass of the event loop); a program that only poll()s calls tick().
    std::function<void()> scheduleBurst;

    void start()
    {
        if (!m_job.server && m_job.phase == Phase::PingPong) {
            sendMessage();
        } else if (!m_job.server && m_job.phase == Phase::Burst) {
            m_start = nowNs();
            sendBurst();
        } else if (!m_job.server) {
            m_start = nowNs();
            fillQueue();
        }
    }

    void tick()
    {
        if (std::exchange(m_burstDue, false))
            sendBurst();
    }
    bool isFinished() const { return m_finished && m_device->bytesToWrite() == 0; }
    std::function<void()> onFinished;

    QJsonObject result() const
    {
        if (m_job.phase == Phase::PingPong)
            return m_recorder.result(m_job.server ? "oneway" : "rtt");
        QJsonObject json;
        if (!m_job.server)
            json.insert(QLatin1String("seconds"), double(m_end - m_start) / 1e9);
        return json;
    }

private:
    void finish()
    {
        // Past the measurement: block until the last bytes are out.
        while (m_device->bytesToWrite() > 0 && m_device->waitForBytesWritten(1000)) { }
        m_finished = true;
        if (isFinished() && onFinished)
            onFinished();
    }

    void sendMessage()
    {
        m_start = nowNs();
        stamp(m_buffer.data(), m_job.size);
        m_device->write(m_buffer.data(), m_job.size);
        m_flush();
    }

    void fillQueue()
    {
        // Called from bytesWritten(), which Qt does not emit again while its
        // slots run: a flush() here that empties the queue is followed by
        // no further signal, so keep filling until the queue stays full.
        do {
            while (m_sent < m_job.bytes && m_device->bytesToWrite() < QueueBytes) {
                const qint64 n = std::min(streamWriteSize(m_job), m_job.bytes - m_sent);
                m_device->write(m_buffer.data(), n);
                m_sent += n;
            }
            m_flush();
        } while (m_sent < m_job.bytes && m_device->bytesToWrite() < QueueBytes);
    }

    // BurstWrites writes of job.size, and no flush(): whatever the device
    // does with small writes, it does here. While QueueBytes are queued the
    // next burst waits for bytesWritten().
    void sendBurst()
    {
        if (m_sent >= m_job.count)
            return;
        if (m_device->bytesToWrite() >= QueueBytes) {
            m_waiting = true;
            return;
        }
        const qint64 n = std::min(BurstWrites, m_job.count - m_sent);
        for (qint64 i = 0; i < n; ++i)
            m_device->write(m_buffer.data(), m_job.size);
        m_sent += n;
        if (m_sent < m_job.count) {
            m_burstDue = true;
            if (scheduleBurst)
                scheduleBurst();
            else
                QMetaObject::invokeMethod(
                        m_device, [this] { tick(); }, Qt::QueuedConnection);
        }
    }

    void onBytesWritten()
    {
        if (!m_job.server && m_job.phase == Phase::Stream)
            fillQueue();
        if (!m_job.server && m_job.phase == Phase::Burst && std::exchange(m_waiting, false))
            sendBurst();
        if (m_finished && isFinished() && onFinished)
            onFinished();
    }

    void onReadyRead()
    {
        if (m_job.phase == Phase::Stream || m_job.phase == Phase::Burst) {
            if (!m_job.server) { // the acknowledgement
                m_device->read(m_buffer.data(), 1);
                m_end = nowNs();
                finish();
                return;
            }
            qint64 n;
            while ((n = m_device->read(m_buffer.data(), ChunkBytes)) > 0)
                m_received += n;
            if (m_received >= streamBytes() && !m_finished) {
                m_device->write("a", 1);
                m_flush();
                finish();
            }
            return;
        }
        while (m_got < m_job.size) {
            const qint64 n = m_device->read(m_buffer.data() + m_got, m_job.size - m_got);
            if (n <= 0)
                return;
            m_got += n;
        }
        m_got = 0;
        ++m_done;
        if (m_job.server) {
            m_recorder.samples.push_back(nowNs() - stampOf(m_buffer.data(), m_job.size));
            m_device->write(m_buffer.data(), m_job.size);
            m_flush();
        } else {
            m_recorder.samples.push_back(nowNs() - m_start);
            if (m_done < m_job.count)
                sendMessage();
        }
        if (m_done == m_job.count)
            finish();
    }

    qint64 streamBytes() const
    {
        return m_job.phase == Phase::Burst ? m_job.count * m_job.size : m_job.bytes;
    }

    const Job &m_job;
    QIODevice *m_device;
    std::function<bool()> m_flush;
    std::vector<char> m_buffer;
    Recorder m_recorder;
    qint64 m_got = 0;
    qint64 m_done = 0;
    qint64 m_sent = 0;
    qint64 m_received = 0;
    qint64 m_start = 0;
    qint64 m_end = 0;
    bool m_finished = false;
    bool m_burstDue = false;
    bool m_waiting = false;
};

QJsonObject runQLocalSocket(const Job &job)
{
    QLocalServer server;
    std::unique_ptr<QLocalSocket> owned;
    QLocalSocket *socket = nullptr;
    if (job.server) {
        QLocalServer::removeServer(job.path);
        if (!server.listen(job.path))
            die("QLocalServer::listen");
        ready();
        if (!server.waitForNewConnection(60000))
            die("waitForNewConnection");
        socket = server.nextPendingConnection();
    } else {
        owned = std::make_unique<QLocalSocket>();
        owned->connectToServer(job.path);
        if (!owned->waitForConnected(60000))
            die("QLocalSocket::connectToServer");
        socket = owned.get();
    }
    QtRunner runner(job, socket, [socket] { return socket->flush(); });
    QEventLoop loop;
    runner.onFinished = [&loop] { loop.quit(); };
    runner.start();
    if (!runner.isFinished())
        loop.exec();
    return runner.result();
}

QJsonObject runIPCSocket(const Job &job)
{
    IPCSocket socket;
    socket.setPath(job.path);
    QObject::connect(&socket, &IPCSocket::error, &socket, [](int code, const QString &message) {
        if (code != IPCSocket::LostConnection)
            std::fprintf(stderr, "error %d %s\n", code, qPrintable(message));
    });
    QtRunner runner(job, &socket, [&socket] { return socket.flush(); });
    const bool polling = job.transport == Transport::IPCSocketPoll;
    bool connected = false;
    QObject::connect(&socket, &IPCSocket::connected, &socket, [&] { connected = true; });
    if (job.server ? !socket.listen() : !socket.connect())
        die("IPCSocket listen/connect");
    if (job.server)
        ready();

    // Without an event loop: poll() until done; yield so that a peer on
    // the same core gets to run.
    if (polling) {
        runner.scheduleBurst = [] {};
        while (!connected) {
            socket.poll();
            sched_yield();
        }
        runner.start();
        while (!runner.isFinished()) {
            socket.poll();
            runner.tick();
            sched_yield();
        }
        return runner.result();
    }
    QEventLoop loop;
    runner.onFinished = [&loop] { loop.quit(); };
    QObject::connect(&socket, &IPCSocket::connected, &loop, [&] { runner.start(); });
    loop.exec();
    return runner.result();
}

} // namespace

qint64 nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

QString nameOf(Transport transport)
{
    return QLatin1String(TransportNames[int(transport)]);
}

bool transportNamed(const QString &name, Transport *transport)
{
    for (int i = 0; i < int(std::size(TransportNames)); ++i) {
        if (name == QLatin1String(TransportNames[i])) {
            *transport = Transport(i);
            return true;
        }
    }
    return false;
}

QString nameOf(Phase phase)
{
    switch (phase) {
    case Phase::PingPong:
        return QStringLiteral("pingpong");
    case Phase::Stream:
        return QStringLiteral("stream");
    case Phase::Messages:
        return QStringLiteral("messages");
    case Phase::Burst:
        return QStringLiteral("burst");
    }
    return {};
}

bool phaseNamed(const QString &name, Phase *phase)
{
    for (const Phase candidate : {Phase::PingPong, Phase::Stream, Phase::Messages, Phase::Burst}) {
        if (name == nameOf(candidate)) {
            *phase = candidate;
            return true;
        }
    }
    return false;
}

QStringList allTransportNames()
{
    QStringList names;
    for (int i = 0; i < StreamTransportCount; ++i)
        names.append(QLatin1String(TransportNames[i]));
    return names;
}

QList<Transport> messageTransports()
{
    return {Transport::RawFramed, Transport::RawFramedWide, Transport::QLocalSocketFramed,
            Transport::MessageChannel, Transport::MessageChannelBatches};
}

QList<Transport> burstTransports()
{
    return {Transport::RawPoll, Transport::RawBurst, Transport::QLocalSocketLoop,
            Transport::IPCSocketCore, Transport::IPCSocketPoll};
}

QJsonObject run(const Job &job, int argc, char **argv)
{
    // Pinned for the whole run (a peer is its own process); unpinned where
    // the system has no affinity API.
    const CpuPin pin(job.cpu);
#ifdef __linux__
    if (job.cpu >= 0 && !pin.pinned())
        die("sched_setaffinity");
#endif

    QJsonObject result;
    std::unique_ptr<QCoreApplication> app;
    switch (job.transport) {
    case Transport::RawBlocking:
    case Transport::RawPoll:
    case Transport::RawBurst:
        result = runRaw(job);
        break;
    case Transport::QLocalSocketLoop:
        app = std::make_unique<QCoreApplication>(argc, argv);
        result = runQLocalSocket(job);
        break;
    case Transport::IPCSocketCore:
    case Transport::IPCSocketPoll:
        app = std::make_unique<QCoreApplication>(argc, argv);
        result = runIPCSocket(job);
        break;
    case Transport::IPCSocketWidgets:
        app = std::make_unique<QApplication>(argc, argv);
        result = runIPCSocket(job);
        break;
    case Transport::RawFramed:
    case Transport::RawFramedWide:
        result = runRawFramed(job);
        break;
    case Transport::MessageChannel:
    case Transport::MessageChannelBatches:
        app = std::make_unique<QCoreApplication>(argc, argv);
        result = runMessageChannel(job);
        break;
    case Transport::QLocalSocketFramed:
        app = std::make_unique<QCoreApplication>(argc, argv);
        result = runQLocalSocketFramed(job);
        break;
    }
    if (auto *dispatcher = QAbstractEventDispatcher::instance())
        result.insert(QLatin1String("dispatcher"),
                      QLatin1String(dispatcher->metaObject()->className()));
    result.insert(QLatin1String("rss_kb"), peakRssKb());
    return result;
}

} // namespace Bench
