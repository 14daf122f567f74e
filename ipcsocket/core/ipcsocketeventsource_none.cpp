// SPDX-License-Identifier: BSD-3-Clause
// The kernel's part of IPCSocketEventSource where there is neither epoll nor
// kqueue: no set, every notifier uses a QSocketNotifier.
#include "ipcsocketeventsource_p.h"

#include <cerrno>

int IPCSocketEventSource::openQueue()
{
    errno = ENOSYS;
    return -1;
}

bool IPCSocketEventSource::changeInterest(int, const Interest &, const Interest &)
{
    return false;
}

int IPCSocketEventSource::takeReady(Ready *, int)
{
    return 0;
}
