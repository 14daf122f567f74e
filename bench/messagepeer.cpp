// SPDX-License-Identifier: BSD-3-Clause
#include "messagepeer.h"
#include "support.h"

#include <ipcmessagechannel.h>
#include <ipcsocket.h>

#include <QtCore/qendian.h>
#include <QtCore/qeventloop.h>

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
    RawSocket socket(rawConnection(job), true);
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
        for (qint64 i = 0; i < job.count; ++i)
            reader.next();
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
                    socket.writeFull(frame.data(), qint64(frame.size()));
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

    if (job.phase == Phase::PingPong) {
        recorder.samples.reserve(size_t(job.count));
        const auto sendOne = [&] {
            start = nowNs();
            stamp(message.data(), job.size);
            channel.sendBinaryMessage(message);
            socket.flush();
        };
        // sendOne is copied: the receivers outlive this block.
        QObject::connect(&channel, &IPCMessageChannel::binaryMessageReceived, &loop,
                         [&, sendOne](const QByteArray &received) {
                             ++done;
                             if (job.server) {
                                 recorder.samples.push_back(
                                         nowNs() - stampOf(received.constData(), received.size()));
                                 channel.sendBinaryMessage(received);
                                 socket.flush();
                             } else {
                                 recorder.samples.push_back(nowNs() - start);
                                 if (done < job.count)
                                     sendOne();
                             }
                             if (done == job.count)
                                 finish();
                         });
        if (!job.server)
            QObject::connect(&socket, &IPCSocket::connected, &loop, sendOne);
    } else if (job.server) {
        QObject::connect(&channel, &IPCMessageChannel::binaryMessageReceived, &loop, [&] {
            if (++done < job.count)
                return;
            channel.sendBinaryMessage(QByteArray());
            socket.flush();
            finish();
        });
    } else {
        // As the careful writer does: at most QueueBytes queued at a time.
        // bytesWritten() is not emitted again while its slots run, so fill
        // until the queue stays full.
        const auto fill = [&] {
            do {
                while (sent < job.count && socket.bytesLeftToSend() < QueueBytes) {
                    channel.sendBinaryMessage(message);
                    ++sent;
                }
                socket.flush();
            } while (sent < job.count && socket.bytesLeftToSend() < QueueBytes);
        };
        QObject::connect(&socket, &IPCSocket::connected, &loop, [&, fill] {
            start = nowNs();
            fill();
        });
        QObject::connect(&socket, &QIODevice::bytesWritten, &loop, fill);
        QObject::connect(&channel, &IPCMessageChannel::binaryMessageReceived, &loop, [&] {
            end = nowNs();
            finish();
        });
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
    return json;
}

} // namespace Bench
