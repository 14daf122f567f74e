// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketendofpass_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qabstracteventdispatcher.h>

namespace {

// Reset by the object's destructor, which runs in its thread (the
// dispatcher is deleted there when the thread finishes).
thread_local IPCSocketEndOfPass *t_current = nullptr;

} // namespace

IPCSocketEndOfPass::IPCSocketEndOfPass(QObject *dispatcher) : QObject(dispatcher)
{
    // Every call of processEvents() emits one of the two (the Unix
    // dispatcher awake() first, then aboutToBlock() when it may wait; the
    // GLib one either): whatever ran before it, ran in an earlier pass.
    auto *events = static_cast<QAbstractEventDispatcher *>(dispatcher);
    QObject::connect(events, &QAbstractEventDispatcher::aboutToBlock, this, [this] { end(); });
    QObject::connect(events, &QAbstractEventDispatcher::awake, this, [this] { end(); });
}

IPCSocketEndOfPass::~IPCSocketEndOfPass()
{
    if (t_current == this)
        t_current = nullptr;
}

IPCSocketEndOfPass *IPCSocketEndOfPass::current()
{
    if (t_current)
        return t_current;
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    if (!dispatcher)
        return nullptr;
    t_current = new IPCSocketEndOfPass(dispatcher);
    return t_current;
}

quint64 IPCSocketEndOfPass::currentPass()
{
    const IPCSocketEndOfPass *endOfPass = current();
    return endOfPass ? endOfPass->m_pass : 0;
}

void IPCSocketEndOfPass::schedule(IPCSocketTransport *transport)
{
    m_due.emplace_back(transport);
}

void IPCSocketEndOfPass::end()
{
    ++m_pass;
    if (m_due.empty())
        return;
    // What the transports do may schedule again (their owners' slots write
    // more): that belongs to the next pass.
    const std::vector<QPointer<IPCSocketTransport>> due = std::exchange(m_due, {});
    for (const QPointer<IPCSocketTransport> &transport : due) {
        if (transport)
            transport->endOfPass();
    }
}
