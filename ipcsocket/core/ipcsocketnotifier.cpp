// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketnotifier_p.h"
#include "ipcsocketeventsource_p.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qthread.h>

IPCSocketNotifier::IPCSocketNotifier(int descriptor, Type type, QObject *parent)
    : QObject(parent), m_descriptor(descriptor), m_type(type)
{
    setEnabled(true);
}

IPCSocketNotifier::~IPCSocketNotifier()
{
    detach();
}

void IPCSocketNotifier::setEnabled(bool enabled)
{
    if (m_enabled == enabled)
        return;
    m_enabled = enabled;
    if (enabled)
        attach();
    else
        detach();
}

void IPCSocketNotifier::attach()
{
    if (m_source.load(std::memory_order_acquire) || (m_own && m_own->isEnabled())
        || m_descriptor < 0)
        return;
    if (thread() != QThread::currentThread()) {
        qWarning("IPCSocketNotifier: cannot be enabled from another thread");
        return;
    }
    IPCSocketEventSource *source = IPCSocketEventSource::current();
    if (!source || !source->add(this))
        setOwnNotifier(true);
}

void IPCSocketNotifier::detach()
{
    if (IPCSocketEventSource *source = m_source.load(std::memory_order_acquire))
        source->remove(this);
    else
        setOwnNotifier(false);
}

void IPCSocketNotifier::setOwnNotifier(bool on)
{
    if (m_own || on) {
        if (!m_own) {
            m_own = new QSocketNotifier(
                    qintptr(m_descriptor),
                    m_type == Read ? QSocketNotifier::Read : QSocketNotifier::Write, this);
            QObject::connect(m_own, &QSocketNotifier::activated, this,
                             &IPCSocketNotifier::activated);
        }
        m_own->setEnabled(on);
    }
}

bool IPCSocketNotifier::event(QEvent *event)
{
    // Sent in the old thread before the move, to this object before its
    // children: its own notifier is turned off before it would queue its own
    // re-enabling, and one queued call joins the new thread's set.
    if (event->type() == QEvent::ThreadChange && m_enabled) {
        detach();
        // Called by name: Qt makes the call, and the flag hands over what
        // this thread did in a way ThreadSanitizer sees (Qt's own locks it
        // cannot, nor a functor made here and called there).
        m_moved.store(true, std::memory_order_release);
        QMetaObject::invokeMethod(this, "reattach", Qt::QueuedConnection);
    }
    return QObject::event(event);
}

void IPCSocketNotifier::reattach()
{
    if (m_moved.exchange(false, std::memory_order_acquire) && m_enabled)
        attach();
}
