// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketendofpass_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qcoreevent.h>

namespace {

// Reset by the object's destructor, which runs in its thread (the
// dispatcher is deleted there when the thread finishes).
thread_local IPCSocketEndOfPass *t_current = nullptr;

} // namespace

IPCSocketEndOfPass::IPCSocketEndOfPass(QObject *dispatcher) : QObject(dispatcher)
{
    QObject::connect(static_cast<QAbstractEventDispatcher *>(dispatcher),
                     &QAbstractEventDispatcher::aboutToBlock, this, [this] { end(); });
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
    if (!m_backstop.isActive())
        m_backstop.start(0, Qt::PreciseTimer, this);
}

void IPCSocketEndOfPass::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_backstop.timerId())
        end();
    else
        QObject::timerEvent(event);
}

void IPCSocketEndOfPass::end()
{
    ++m_pass;
    if (m_due.empty())
        return;
    m_backstop.stop();
    // What the transports do may schedule again (their owners' slots write
    // more): that belongs to the next pass.
    const std::vector<QPointer<IPCSocketTransport>> due = std::exchange(m_due, {});
    for (const QPointer<IPCSocketTransport> &transport : due) {
        if (transport)
            transport->endOfPass();
    }
}
