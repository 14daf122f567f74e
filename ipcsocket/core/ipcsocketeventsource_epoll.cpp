// SPDX-License-Identifier: BSD-3-Clause
// The kernel's part of IPCSocketEventSource on Linux.
#include "ipcsocketeventsource_p.h"

#include <cerrno>
#include <sys/epoll.h>

int IPCSocketEventSource::openQueue()
{
    return ::epoll_create1(EPOLL_CLOEXEC);
}

bool IPCSocketEventSource::changeInterest(int descriptor, const Interest &before,
                                          const Interest &after)
{
    // Level-triggered, as QSocketNotifier is: what is left unread wakes
    // the loop again.
    if (before.isEmpty() && after.isEmpty())
        return true;
    epoll_event event = {};
    event.events = (after.read ? EPOLLIN : 0u) | (after.write ? EPOLLOUT : 0u);
    event.data.fd = descriptor;
    int operation = EPOLL_CTL_MOD;
    if (before.isEmpty())
        operation = EPOLL_CTL_ADD;
    else if (after.isEmpty())
        operation = EPOLL_CTL_DEL;
    return ::epoll_ctl(m_queue, operation, descriptor, &event) == 0;
}

int IPCSocketEventSource::takeReady(Ready *ready, int maximum)
{
    epoll_event events[256];
    int count;
    do {
        count = ::epoll_wait(m_queue, events, qMin(maximum, 256), 0);
    } while (count < 0 && errno == EINTR);
    for (int i = 0; i < count; ++i) {
        // A hang-up or an error is told to both kinds: with only a write
        // notifier on, nobody would take it and it would wake the loop
        // for ever.
        const quint32 failed = events[i].events & (EPOLLERR | EPOLLHUP);
        ready[i] = {events[i].data.fd, (events[i].events & EPOLLIN) || failed,
                    (events[i].events & EPOLLOUT) || failed};
    }
    return qMax(count, 0);
}
