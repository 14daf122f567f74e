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

// When the descriptors go into the kernel's set and when they leave it: far
// enough apart that a thread does not move them back and forth.
struct Thresholds
{
    bool never = false; // IPCSOCKET_EVENT_SOURCE=notifiers
    int many = 16; // in from this many descriptors
    int few = 4; // out at this many
};

const Thresholds &thresholds()
{
    static const Thresholds chosen = [] {
        const QString asked = qEnvironmentVariable("IPCSOCKET_EVENT_SOURCE");
        Thresholds t;
        if (asked == QLatin1String("notifiers"))
            t.never = true;
        else if (asked == QLatin1String("set"))
            t = {false, 1, -1};
        return t;
    }();
    return chosen;
}

} // namespace

IPCSocketEventSource *IPCSocketEventSource::current()
{
    if (t_current)
        return t_current;
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (thresholds().never || !dispatcher)
        return nullptr;
    t_current = new IPCSocketEventSource(dispatcher);
    return t_current;
}

IPCSocketEventSource::IPCSocketEventSource(QObject *dispatcher) : QObject(dispatcher) { }

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
    if (m_queue >= 0)
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
    if (m_inSet && !changeInterest(descriptor, interest, after))
        return false;
    const bool newDescriptor = interest.isEmpty();
    interest = after;
    notifier->m_source.store(this, std::memory_order_relaxed);
    if (!m_inSet)
        notifier->setOwnNotifier(true);
    if (newDescriptor && ++m_descriptors >= thresholds().many && !m_inSet)
        enterSet(); // stays with notifiers of their own if it cannot
    return true;
}

void IPCSocketEventSource::remove(IPCSocketNotifier *notifier)
{
    notifier->m_source.store(nullptr, std::memory_order_relaxed);
    notifier->setOwnNotifier(false);
    const int descriptor = notifier->descriptor();
    Interest *interest = interestOf(descriptor);
    if (!interest)
        return;
    Interest after = *interest;
    if (after.read == notifier)
        after.read = nullptr;
    if (after.write == notifier)
        after.write = nullptr;
    if (after.read == interest->read && after.write == interest->write)
        return;
    // A descriptor closed behind our back has left the kernel's set
    // already: nothing to undo.
    if (m_inSet)
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
    if (--m_descriptors <= thresholds().few && m_inSet)
        leaveSet();
}

bool IPCSocketEventSource::enterSet()
{
    if (m_queue < 0) {
        // Not remembered when it fails: out of descriptors now is not for
        // ever.
        m_queue = openQueue();
        if (m_queue < 0)
            return false;
        m_notifier = new QSocketNotifier(qintptr(m_queue), QSocketNotifier::Read, this);
        QObject::connect(m_notifier, &QSocketNotifier::activated, this,
                         &IPCSocketEventSource::dispatch);
    }
    for (size_t descriptor = 0; descriptor < m_interests.size(); ++descriptor) {
        const Interest &interest = m_interests[descriptor];
        if (interest.isEmpty() || changeInterest(int(descriptor), Interest(), interest))
            continue;
        // All or none.
        for (size_t undo = 0; undo < descriptor; ++undo) {
            if (!m_interests[undo].isEmpty())
                changeInterest(int(undo), m_interests[undo], Interest());
        }
        return false;
    }
    m_inSet = true;
    m_notifier->setEnabled(true);
    for (const Interest &interest : m_interests) {
        if (interest.read)
            interest.read->setOwnNotifier(false);
        if (interest.write)
            interest.write->setOwnNotifier(false);
    }
    return true;
}

void IPCSocketEventSource::leaveSet()
{
    m_inSet = false;
    m_notifier->setEnabled(false);
    for (size_t descriptor = 0; descriptor < m_interests.size(); ++descriptor) {
        const Interest &interest = m_interests[descriptor];
        if (interest.isEmpty())
            continue;
        changeInterest(int(descriptor), interest, Interest());
        if (interest.read)
            interest.read->setOwnNotifier(true);
        if (interest.write)
            interest.write->setOwnNotifier(true);
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
