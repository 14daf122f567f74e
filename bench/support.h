// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_SUPPORT_H
#define BENCH_SUPPORT_H

#include "peer.h"
#include "portable.h"

#include <QtCore/qfile.h>
#include <QtCore/qjsonobject.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

// What the peers of every case share: failing, reporting, time stamps in
// messages, and raw AF_UNIX connections.
namespace Bench {

constexpr qint64 ChunkBytes = 64 * 1024;
// The careful writer's bound: write while less than this is queued.
constexpr qint64 QueueBytes = 1024 * 1024;
// Writes (or messages) a sender makes in one pass of its event loop.
constexpr qint64 BurstWrites = 1000;

// What a receiver does with each message: it reads one byte of every 4 KiB.
inline unsigned touch(const char *data, qint64 size)
{
    unsigned sum = 0;
    for (qint64 i = 0; i < size; i += 4096)
        sum += static_cast<unsigned char>(data[i]);
    return sum;
}

[[noreturn]] inline void die(const char *what)
{
    std::perror(what);
    std::exit(2);
}

// What the streaming writer writes at a time.
inline qint64 streamWriteSize(const Job &job)
{
    return job.size > 0 ? job.size : ChunkBytes;
}

inline void ready()
{
    std::puts("ready");
    std::fflush(stdout);
}

inline qint64 peakRssKb()
{
    rusage usage = {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

inline qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    const auto index = size_t(p * double(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + qptrdiff(index), values.end());
    return values[index];
}

inline void stamp(char *message, qint64 size)
{
    if (size >= qint64(sizeof(qint64))) {
        const qint64 now = nowNs();
        std::memcpy(message, &now, sizeof(now));
    }
}

inline qint64 stampOf(const char *message, qint64 size)
{
    qint64 then = 0;
    if (size >= qint64(sizeof(qint64)))
        std::memcpy(&then, message, sizeof(then));
    return then;
}

// What every measurement reports the same way.
struct Recorder
{
    std::vector<qint64> samples;
    QJsonObject result(const char *name) const
    {
        QJsonObject json;
        json.insert(QLatin1String(name) + QLatin1String("_p50_ns"), percentile(samples, 0.50));
        json.insert(QLatin1String(name) + QLatin1String("_p99_ns"), percentile(samples, 0.99));
        json.insert(QLatin1String(name) + QLatin1String("_max_ns"), percentile(samples, 1.0));
        return json;
    }
};

inline sockaddr_un addressOf(const QString &path)
{
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    std::memcpy(address.sun_path, encoded.constData(),
                std::min(size_t(encoded.size()), sizeof(address.sun_path) - 1));
    return address;
}

inline int rawConnection(const Job &job)
{
    const sockaddr_un address = addressOf(job.path);
    const int fd = unixStreamSocket();
    if (fd < 0)
        die("socket");
    if (job.server) {
        ::unlink(address.sun_path);
        if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0
            || ::listen(fd, 1) != 0)
            die("bind/listen");
        ready();
        const int peer = ::accept(fd, nullptr, nullptr);
        if (peer < 0)
            die("accept");
        ::close(fd);
        ::unlink(address.sun_path);
        return peer;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0)
        die("connect");
    return fd;
}

class RawSocket
{
public:
    RawSocket(int fd, bool polling) : m_fd(fd), m_polling(polling)
    {
        if (polling)
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    ~RawSocket() { ::close(m_fd); }

    void readFull(char *data, qint64 size)
    {
        for (qint64 done = 0; done < size;) {
            wait(POLLIN);
            const ssize_t n = ::read(m_fd, data + done, size_t(size - done));
            if (n > 0)
                done += n;
            else if (n == 0)
                die("read: peer closed");
            else if (errno != EAGAIN && errno != EINTR)
                die("read");
        }
    }
    // What one read(2) gives once the socket is readable: at least 1 byte.
    qint64 readSome(char *data, qint64 size)
    {
        for (;;) {
            wait(POLLIN);
            const ssize_t n = ::read(m_fd, data, size_t(size));
            if (n > 0)
                return n;
            if (n == 0)
                die("read: peer closed");
            if (errno != EAGAIN && errno != EINTR)
                die("read");
        }
    }
    void writeFull(const char *data, qint64 size)
    {
        for (qint64 done = 0; done < size;) {
            wait(POLLOUT);
            const ssize_t n = ::write(m_fd, data + done, size_t(size - done));
            if (n > 0)
                done += n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                die("write");
        }
    }

    // Two pieces in one writev(2) (and as many more as it takes).
    void writeFull(const char *head, qint64 headSize, const char *body, qint64 bodySize)
    {
        iovec vectors[2] = {{const_cast<char *>(head), size_t(headSize)},
                            {const_cast<char *>(body), size_t(bodySize)}};
        const qint64 total = headSize + bodySize;
        qint64 done = 0;
        while (done < total) {
            wait(POLLOUT);
            const ssize_t n = done == 0 ? ::writev(m_fd, vectors, 2) : 0;
            if (n > 0) {
                done += n;
                break;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                die("writev");
        }
        if (done < headSize)
            writeFull(head + done, headSize - done);
        const qint64 bodyDone = std::max<qint64>(done - headSize, 0);
        if (bodyDone < bodySize)
            writeFull(body + bodyDone, bodySize - bodyDone);
    }

private:
    void wait(short events)
    {
        if (!m_polling)
            return;
        pollfd fds = {m_fd, events, 0};
        while (::poll(&fds, 1, -1) < 0 && errno == EINTR) { }
    }

    int m_fd;
    bool m_polling;
};

} // namespace Bench

#endif // BENCH_SUPPORT_H
