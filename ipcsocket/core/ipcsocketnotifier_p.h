// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETNOTIFIER_P_H
#define IPCSOCKETNOTIFIER_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qobject.h>

#include <atomic>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE
class IPCSocketEventSource;

// QSocketNotifier's job for the descriptors of the Unix transport and
// listener, made cheap for many of them: its thread's IPCSocketEventSource
// watches it with a QSocketNotifier of its own while the thread has few
// descriptors, and in one epoll or kqueue set that the event loop sees as
// one descriptor once it has many, so that an event costs the same however
// many other connections are idle.
//
// Like QSocketNotifier it is enabled when made, level-triggered, and
// follows its object to another thread: it leaves the old thread's set when
// it is moved and joins the new thread's from that thread's event loop.
// The descriptor must stay open while the notifier is enabled.
class IPCSocketNotifier : public QObject
{
    Q_OBJECT
public:
    enum Type { Read, Write };

    IPCSocketNotifier(int descriptor, Type type, QObject *parent);
    ~IPCSocketNotifier() override;

    int descriptor() const { return m_descriptor; }
    Type type() const { return m_type; }
    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled);

Q_SIGNALS:
    // The descriptor is ready (or has failed, or the peer hung up: a read
    // or write then says which).
    void activated();

protected:
    bool event(QEvent *event) override;

private Q_SLOTS:
    // In the new thread, after a move.
    void reattach();

private:
    friend class IPCSocketEventSource;
    void attach();
    void detach();
    // Watched by a QSocketNotifier of its own, or not: the set decides.
    void setOwnNotifier(bool on);

    const int m_descriptor;
    const Type m_type;
    bool m_enabled = false;
    // The set it is in, if any. Atomic only for the end of its thread: the
    // set lets go of it then, and it may be deleted later from another.
    std::atomic<IPCSocketEventSource *> m_source{nullptr};
    QSocketNotifier *m_own = nullptr; // its own, made when first needed
    std::atomic<bool> m_moved{false};
};

#endif // IPCSOCKETNOTIFIER_P_H
