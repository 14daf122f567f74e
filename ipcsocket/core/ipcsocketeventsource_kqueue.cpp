// SPDX-License-Identifier: BSD-3-Clause
// The kernel's part of IPCSocketEventSource on macOS and the BSDs.
#include "ipcsocketeventsource_p.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

int IPCSocketEventSource::openQueue()
{
    const int queue = ::kqueue();
    if (queue >= 0)
        ::fcntl(queue, F_SETFD, FD_CLOEXEC);
    return queue;
}

bool IPCSocketEventSource::changeInterest(int descriptor, const Interest &before,
                                          const Interest &after)
{
    // One filter a kind; level-triggered (no EV_CLEAR), as QSocketNotifier
    // is.
    struct kevent changes[2];
    int count = 0;
    const auto change = [&](bool was, bool is, short filter) {
        if (was != is)
            EV_SET(&changes[count++], uintptr_t(descriptor), filter, is ? EV_ADD : EV_DELETE, 0, 0,
                   nullptr);
    };
    change(before.read != nullptr, after.read != nullptr, EVFILT_READ);
    change(before.write != nullptr, after.write != nullptr, EVFILT_WRITE);
    if (count == 0)
        return true;
    int result;
    do {
        result = ::kevent(m_queue, changes, count, nullptr, 0, nullptr);
    } while (result < 0 && errno == EINTR);
    return result >= 0;
}

int IPCSocketEventSource::takeReady(Ready *ready, int maximum)
{
    struct kevent events[256];
    const timespec now = {0, 0};
    int count;
    do {
        count = ::kevent(m_queue, nullptr, 0, events, qMin(maximum, 256), &now);
    } while (count < 0 && errno == EINTR);
    for (int i = 0; i < count; ++i) {
        // EV_EOF comes with the filter's own event; an error is told to
        // both kinds, as a hang-up is on Linux.
        const bool failed = events[i].flags & EV_ERROR;
        ready[i] = {int(events[i].ident), events[i].filter == EVFILT_READ || failed,
                    events[i].filter == EVFILT_WRITE || failed};
    }
    return qMax(count, 0);
}
