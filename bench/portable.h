// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_PORTABLE_H
#define BENCH_PORTABLE_H

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#endif

// What the benchmark needs of the system beyond POSIX, written once for
// Linux and for macOS and the BSDs (no SOCK_CLOEXEC or accept4() on macOS,
// no CPU affinity API there).
namespace Bench {

// The descriptor is closed on exec(): the peers are started by QProcess.
inline int closeOnExec(int fd)
{
    if (fd >= 0)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

inline int unixStreamSocket()
{
#ifdef SOCK_CLOEXEC
    return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
    return closeOnExec(::socket(AF_UNIX, SOCK_STREAM, 0));
#endif
}

inline int acceptConnection(int listener)
{
#ifdef __linux__
    return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
#else
    return closeOnExec(::accept(listener, nullptr, nullptr));
#endif
}

// Keeps the calling thread on one CPU while it lives (cpu < 0: no pinning),
// then puts the former set back. Linux only: elsewhere the figures are
// taken unpinned, and pinned() says so.
class CpuPin
{
public:
    explicit CpuPin(int cpu)
    {
#ifdef __linux__
        if (cpu >= 0 && ::sched_getaffinity(0, sizeof(m_before), &m_before) == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            m_pinned = ::sched_setaffinity(0, sizeof(one), &one) == 0;
        }
#else
        (void)cpu;
#endif
    }
    ~CpuPin()
    {
#ifdef __linux__
        if (m_pinned)
            ::sched_setaffinity(0, sizeof(m_before), &m_before);
#endif
    }
    CpuPin(const CpuPin &) = delete;
    CpuPin &operator=(const CpuPin &) = delete;

    bool pinned() const
    {
        return m_pinned;
    }

private:
#ifdef __linux__
    cpu_set_t m_before;
#endif
    bool m_pinned = false;
};

} // namespace Bench

#endif // BENCH_PORTABLE_H
