// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketeventsource_p.h"
#include "ipcsocketnotifier_p.h"

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qsocketnotifier.h>

#include <unistd.h>

namespace {

// Reset by the object's destructor, which runs in its thread (the
// dispatcher is deleted there when the thread finishes).
thread_local IPCSocketEventSource *t_current = nullptr;

// Ready descriptors taken from the kernel a wake-up: more stay ready in the
// set, which wakes the event loop again after its other work.
constexpr int MaximumBatch = 256;

} // namespace

IPCSocketEventSource *IPCSocketEventSource::current()
{
    if (t_current)
        return t_current;
    static const bool disabled
            = qEnvironmentVariable("IPCSOCKET_EVENT_SOURCE") == QLatin1String("notifiers");
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (disabled || !dispatcher)
        return nullptr;
    // Not remembered when it fails: out of descriptors now is not forever.
    const int queue = openQueue();
    if (queue < 0)
        return nullptr;
    t_current = new IPCSocketEventSource(queue, dispatcher);
    return t_current;
}

IPCSocketEventSource::IPCSocketEventSource(int queue, QObject *dispatcher)
    : QObject(dispatcher), m_queue(queue),
      m_notifier(new QSocketNotifier(qintptr(queue), QSocketNotifier::Read, this))
{
    QObject::connect(m_notifier, &QSocketNotifier::activated, this,
                     &IPCSocketEventSource::dispatch);
}

IPCSocketEventSource::~IPCSocketEventSource()
{
    if (t_current == this)
        t_current = nullptr;
    // Notifiers that outlive their thread's event loop go quiet. They may be
    // deleted later from another thread, once this one has ended.
    for (Interest &interest : m_interests) {
        if (interest.read)
            interest.read->m_source.store(nullptr, std::memory_order_release);
        if (interest.write)
            interest.write->m_source.store(nullptr, std::memory_order_release);
    }
    delete m_notifier;
    ::close(m_queue);
}

IPCSocketEventSource::Interest *IPCSocketEventSource::interestOf(int descriptor)
{
    return descriptor >= 0 && size_t(descriptor) < m_interests.size() ? &m_interests[descriptor]
                                                                      : nullptr;
}

bool IPCSocketEventSource::add(IPCSocketNotifier *notifier)
{
    const int descriptor = notifier->descriptor();
    if (descriptor < 0)
        return false;
    if (size_t(descriptor) >= m_interests.size())
        m_interests.resize(size_t(descriptor) + 1);
    Interest &interest = m_interests[size_t(descriptor)];
    Interest after = interest;
    IPCSocketNotifier *&slot
            = notifier->type() == IPCSocketNotifier::Read ? after.read : after.write;
    if (slot) // another notifier of the same kind: left to Qt's
        return slot == notifier;
    slot = notifier;
    if (!changeInterest(descriptor, interest, after))
        return false;
    interest = after;
    notifier->m_source.store(this, std::memory_order_relaxed);
    return true;
}

void IPCSocketEventSource::remove(IPCSocketNotifier *notifier)
{
    notifier->m_source.store(nullptr, std::memory_order_relaxed);
    const int descriptor = notifier->descriptor();
    Interest *interest = interestOf(descriptor);
    if (!interest)
        return;
    Interest after = *interest;
    if (after.read == notifier)
        after.read = nullptr;
    if (after.write == notifier)
        after.write = nullptr;
    // A descriptor closed behind our back has left the kernel's set
    // already: nothing to undo.
    changeInterest(descriptor, *interest, after);
    *interest = after;
    if (!after.isEmpty())
        return;
    for (size_t depth = 0; depth < m_depth; ++depth) {
        Batch &batch = m_batches[depth];
        for (int i = 0; i < batch.count; ++i) {
            if (batch.events[size_t(i)].descriptor == descriptor)
                batch.events[size_t(i)].descriptor = -1;
        }
    }
}

void IPCSocketEventSource::dispatch()
{
    if (m_depth == m_batches.size())
        m_batches.push_back({std::vector<Ready>(MaximumBatch), 0});
    const size_t depth = m_depth;
    const int count = takeReady(m_batches[depth].events.data(), MaximumBatch);
    m_batches[depth].count = count;
    ++m_depth;
    const auto leave = qScopeGuard([this] { m_batches[--m_depth].count = 0; });
    // Each slot may close, delete or add connections, or run a nested event
    // loop (which may add a batch): all is looked up afresh for every
    // signal.
    for (int i = 0; i < count; ++i) {
        const Ready event = m_batches[depth].events[size_t(i)];
        if (event.read) {
            const Interest *interest = interestOf(event.descriptor);
            if (interest && interest->read)
                emit interest->read->activated();
        }
        // The read slot may have closed it.
        if (event.write && m_batches[depth].events[size_t(i)].descriptor >= 0) {
            const Interest *interest = interestOf(event.descriptor);
            if (interest && interest->write)
                emit interest->write->activated();
        }
    }
}
