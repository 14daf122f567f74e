// SPDX-License-Identifier: BSD-3-Clause
#include "messagepeer.h"
#include "support.h"

#include <ipcmessagechannel.h>
#include <ipcsocket.h>

#include <QtCore/qendian.h>
#include <QtCore/qeventloop.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>

#include <functional>
#include <vector>

namespace Bench {

namespace {

constexpr qint64 HeaderBytes = 5;
constexpr char BinaryKind = 0x02;

void writeHeader(char *out, qint64 length)
{
    out[0] = BinaryKind;
    qToBigEndian<quint32>(quint32(length), out + 1);
}

// The reader a careful program writes by hand: large reads into one
// buffer, frames taken from it in place, the rest moved to the front only
// when a frame would not fit behind it.
class FrameReader
{
public:
    FrameReader(RawSocket &socket, qint64 largestPayload)
        : m_socket(socket),
          m_buffer(size_t(std::max<qint64>(256 * 1024, 2 * (HeaderBytes + largestPayload)))),
          m_largest(largestPayload)
    { }

    // The next frame's payload, valid until the next call.
    std::pair<const char *, qint64> next()
    {
        for (;;) {
            const qint64 have = m_end - m_begin;
            qint64 needed = HeaderBytes;
            if (have >= HeaderBytes) {
                const char *header = m_buffer.data() + m_begin;
                const qint64 length = qFromBigEndian<quint32>(header + 1);
                if (header[0] != BinaryKind || length > m_largest)
                    die("a bad frame");
                needed = HeaderBytes + length;
                if (have >= needed) {
                    m_begin += needed;
                    return {header + HeaderBytes, length};
                }
            }
            if (m_begin == m_end) {
                m_begin = m_end = 0;
            } else if (qint64(m_buffer.size()) - m_begin < needed) {
                std::memmove(m_buffer.data(), m_buffer.data() + m_begin, size_t(have));
                m_begin = 0;
                m_end = have;
            }
            m_end += m_socket.readSome(m_buffer.data() + m_end, qint64(m_buffer.size()) - m_end);
        }
    }

private:
    RawSocket &m_socket;
    std::vector<char> m_buffer;
    qint64 m_largest;
    qint64 m_begin = 0;
    qint64 m_end = 0;
};

} // namespace

QJsonObject runRawFramed(const Job &job)
{
    const int fd = rawConnection(job);
    if (job.transport == Transport::RawFramedWide) {
        // The send buffer IPCSocket asks for on Unix (the sender's, at its
        // first full buffer; here both sides, at once): what the library
        // gains by it, raw code gains too.
        constexpr int SendBuffer = 512 * 1024;
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &SendBuffer, sizeof(SendBuffer));
    }
    RawSocket socket(fd, true);
    FrameReader reader(socket, job.size);
    // Header and payload in one buffer and one write, as the channel sends
    // payloads of up to 64 KiB.
    std::vector<char> frame(size_t(HeaderBytes + job.size), 'x');
    char *const payload = frame.data() + HeaderBytes;
    writeHeader(frame.data(), job.size);

    if (job.phase == Phase::PingPong) {
        Recorder recorder;
        recorder.samples.reserve(size_t(job.count));
        for (qint64 i = 0; i < job.count; ++i) {
            if (job.server) {
                const auto [data, length] = reader.next();
                recorder.samples.push_back(nowNs() - stampOf(data, length));
                std::memcpy(payload, data, size_t(length));
                socket.writeFull(frame.data(), qint64(frame.size()));
            } else {
                const qint64 start = nowNs();
                stamp(payload, job.size);
                socket.writeFull(frame.data(), qint64(frame.size()));
                reader.next();
                recorder.samples.push_back(nowNs() - start);
            }
        }
        return recorder.result(job.server ? "oneway" : "rtt");
    }

    // Many messages one way, then an empty one back.
    char ack[HeaderBytes];
    writeHeader(ack, 0);
    QJsonObject json;
    if (job.server) {
        unsigned sum = 0;
        for (qint64 i = 0; i < job.count; ++i) {
            const auto [data, length] = reader.next();
            sum += touch(data, length);
        }
        json.insert(QLatin1String("touched"), qint64(sum));
        socket.writeFull(ack, HeaderBytes);
    } else {
        // Small frames are gathered into 64 KiB writes, as a careful writer
        // does by hand (IPCSocket's queue gathers them when the reader is
        // behind); a frame larger than that goes in a write of its own.
        std::vector<char> batch;
        batch.reserve(size_t(ChunkBytes));
        const auto writeBatch = [&] {
            socket.writeFull(batch.data(), qint64(batch.size()));
            batch.clear();
        };
        const qint64 start = nowNs();
        for (qint64 i = 0; i < job.count; ++i) {
            if (qint64(batch.size() + frame.size()) > ChunkBytes) {
                if (!batch.empty())
                    writeBatch();
                if (qint64(frame.size()) > ChunkBytes) {
                    // Header and payload from where they are: one writev(2).
                    socket.writeFull(frame.data(), HeaderBytes, payload, job.size);
                    continue;
                }
            }
            batch.insert(batch.end(), frame.begin(), frame.end());
        }
        if (!batch.empty())
            writeBatch();
        reader.next();
        json.insert(QLatin1String("seconds"), double(nowNs() - start) / 1e9);
    }
    return json;
}

QJsonObject runMessageChannel(const Job &job)
{
    IPCSocket socket;
    socket.setPath(job.path);
    QObject::connect(&socket, &IPCSocket::error, &socket, [](int code, const QString &message) {
        if (code != IPCSocket::LostConnection)
            std::fprintf(stderr, "error %d %s\n", code, qPrintable(message));
    });
    IPCMessageChannel channel(&socket);
    QObject::connect(&channel, &IPCMessageChannel::error, &channel,
                     [](int code, const QString &message) {
                         std::fprintf(stderr, "error %d %s\n", code, qPrintable(message));
                         std::exit(2);
                     });
    QEventLoop loop;
    // A signal a message, or (the batches case) the messages of a read
    // taken in one go; either way a handler called for each, as the hand
    // framing's reader calls its own.
    std::function<void(const QByteArray &)> onMessage;
    if (job.transport == Transport::MessageChannelBatches) {
        QObject::connect(&channel, &IPCMessageChannel::messagesReceived, &loop, [&] {
            while (channel.hasPendingMessages())
                onMessage(channel.receiveMessage().data());
        });
    } else {
        QObject::connect(&channel, &IPCMessageChannel::binaryMessageReceived, &loop,
                         [&](const QByteArray &message) { onMessage(message); });
    }
    const auto finish = [&] {
        // Past the measurement: block until the last bytes are out.
        while (socket.bytesToWrite() > 0 && socket.waitForBytesWritten(1000)) { }
        loop.quit();
    };
    QByteArray message(job.size, 'x');
    Recorder recorder;
    qint64 done = 0;
    qint64 sent = 0;
    qint64 start = 0;
    qint64 end = 0;
    unsigned sum = 0;
    // The one-way sender's bursts (see below).
    const qint64 limit = std::max(QueueBytes, 2 * job.size);
    bool waiting = false;
    std::function<void()> burst;

    if (job.phase == Phase::PingPong) {
        recorder.samples.reserve(size_t(job.count));
        const auto sendOne = [&] {
            start = nowNs();
            stamp(message.data(), job.size);
            channel.sendBinaryMessage(message);
            socket.flush();
        };
        // sendOne is copied: onMessage outlives this block.
        onMessage = [&, sendOne](const QByteArray &received) {
            ++done;
            if (job.server) {
                recorder.samples.push_back(nowNs()
                                           - stampOf(received.constData(), received.size()));
                channel.sendBinaryMessage(received);
                socket.flush();
            } else {
                recorder.samples.push_back(nowNs() - start);
                if (done < job.count)
                    sendOne();
            }
            if (done == job.count)
                finish();
        };
        if (!job.server)
            QObject::connect(&socket, &IPCSocket::connected, &loop, sendOne);
    } else if (job.server) {
        onMessage = [&](const QByteArray &received) {
            sum += touch(received.constData(), received.size());
            if (++done < job.count)
                return;
            channel.sendBinaryMessage(QByteArray());
            socket.flush();
            finish();
        };
    } else {
        // BurstWrites messages a pass of the event loop, no flush(), while
        // less than QueueBytes (or two large messages) are queued; else the
        // next burst waits for bytesWritten().
        burst = [&] {
            if (socket.bytesLeftToSend() >= limit) {
                waiting = true;
                return;
            }
            for (qint64 i = 0; i < BurstWrites && sent < job.count; ++i) {
                channel.sendBinaryMessage(message);
                ++sent;
                if (socket.bytesLeftToSend() >= limit)
                    break;
            }
            if (sent < job.count)
                QMetaObject::invokeMethod(&loop, burst, Qt::QueuedConnection);
        };
        QObject::connect(&socket, &IPCSocket::connected, &loop, [&] {
            start = nowNs();
            burst();
        });
        QObject::connect(&socket, &QIODevice::bytesWritten, &loop, [&] {
            if (std::exchange(waiting, false))
                burst();
        });
        onMessage = [&](const QByteArray &) {
            end = nowNs();
            finish();
        };
    }

    if (job.server ? !socket.listen() : !socket.connect())
        die("IPCSocket listen/connect");
    if (job.server)
        ready();
    loop.exec();

    if (job.phase == Phase::PingPong)
        return recorder.result(job.server ? "oneway" : "rtt");
    QJsonObject json;
    if (!job.server)
        json.insert(QLatin1String("seconds"), double(end - start) / 1e9);
    else
        json.insert(QLatin1String("touched"), qint64(sum));
    return json;
}

QJsonObject runQLocalSocketFramed(const Job &job)
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
    QEventLoop loop;
    const auto finish = [&] {
        while (socket->bytesToWrite() > 0 && socket->waitForBytesWritten(1000)) { }
        loop.quit();
    };
    // The lean sender: the header from the stack, then the payload from
    // where it is; two writes into the socket's buffer, no frame allocated.
    const auto send = [&](const QByteArray &payload) {
        char header[HeaderBytes];
        writeHeader(header, payload.size());
        socket->write(header, HeaderBytes);
        socket->write(payload.constData(), payload.size());
    };
    // The reader: what readAll() gives, appended to what is left of a frame,
    // each whole frame copied out as its message.
    QByteArray pending;
    std::function<void(const QByteArray &)> onMessage;
    QObject::connect(socket, &QLocalSocket::readyRead, &loop, [&] {
        pending.isEmpty() ? void(pending = socket->readAll()) : void(pending += socket->readAll());
        qsizetype at = 0;
        while (pending.size() - at >= HeaderBytes) {
            const char *header = pending.constData() + at;
            const qint64 length = qFromBigEndian<quint32>(header + 1);
            if (header[0] != BinaryKind || length > std::max<qint64>(job.size, 0))
                die("a bad frame");
            if (pending.size() - at < HeaderBytes + length)
                break;
            const QByteArray message(header + HeaderBytes, qsizetype(length));
            at += HeaderBytes + length;
            onMessage(message);
        }
        pending.remove(0, at);
    });

    QByteArray message(job.size, 'x');
    Recorder recorder;
    qint64 done = 0;
    qint64 sent = 0;
    qint64 start = 0;
    qint64 end = 0;
    unsigned sum = 0;
    // The one-way sender's bursts (see below).
    const qint64 limit = std::max(QueueBytes, 2 * job.size);
    bool waiting = false;
    std::function<void()> burst;
    if (job.phase == Phase::PingPong) {
        recorder.samples.reserve(size_t(job.count));
        const auto sendOne = [&] {
            start = nowNs();
            stamp(message.data(), job.size);
            send(message);
            socket->flush();
        };
        // sendOne is copied: onMessage outlives this block.
        onMessage = [&, sendOne](const QByteArray &received) {
            ++done;
            if (job.server) {
                recorder.samples.push_back(nowNs()
                                           - stampOf(received.constData(), received.size()));
                send(received);
                socket->flush();
            } else {
                recorder.samples.push_back(nowNs() - start);
                if (done < job.count)
                    sendOne();
            }
            if (done == job.count)
                finish();
        };
        if (!job.server)
            sendOne();
    } else if (job.server) {
        onMessage = [&](const QByteArray &received) {
            sum += touch(received.constData(), received.size());
            if (++done < job.count)
                return;
            send(QByteArray());
            socket->flush();
            finish();
        };
    } else {
        burst = [&] {
            if (socket->bytesToWrite() >= limit) {
                waiting = true;
                return;
            }
            for (qint64 i = 0; i < BurstWrites && sent < job.count; ++i) {
                send(message);
                ++sent;
                if (socket->bytesToWrite() >= limit)
                    break;
            }
            if (sent < job.count)
                QMetaObject::invokeMethod(&loop, burst, Qt::QueuedConnection);
        };
        QObject::connect(socket, &QLocalSocket::bytesWritten, &loop, [&] {
            if (std::exchange(waiting, false))
                burst();
        });
        onMessage = [&](const QByteArray &) {
            end = nowNs();
            finish();
        };
        start = nowNs();
        burst();
    }
    loop.exec();

    if (job.phase == Phase::PingPong)
        return recorder.result(job.server ? "oneway" : "rtt");
    QJsonObject json;
    if (!job.server)
        json.insert(QLatin1String("seconds"), double(end - start) / 1e9);
    else
        json.insert(QLatin1String("touched"), qint64(sum));
    return json;
}

} // namespace Bench
