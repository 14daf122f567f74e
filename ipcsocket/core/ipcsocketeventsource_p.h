// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETEVENTSOURCE_P_H
#define IPCSOCKETEVENTSOURCE_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qobject.h>

#include <vector>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE
class IPCSocketNotifier;

// The descriptors of one thread's connections and listeners. While the
// thread has few, each is watched by the event loop through a
// QSocketNotifier of its own; from ManyDescriptors on, they are all in one
// kernel event set (epoll on Linux, kqueue on macOS and the BSDs) that the
// event loop watches as one descriptor, until they are down to
// FewDescriptors again. Qt's event dispatchers poll every registered
// notifier on every wake-up, so that with one notifier a connection an
// event costs in proportion to all connections; the set costs one more
// system call a wake-up, which few connections do not make up for.
//
// One a thread, made when first needed and a child of the thread's event
// dispatcher (it goes with it). Used only from its own thread.
class IPCSocketEventSource : public QObject
{
    Q_OBJECT
public:
    // The current thread's; nullptr in a thread without an event
    // dispatcher, or with IPCSOCKET_EVENT_SOURCE=notifiers in the
    // environment (a QSocketNotifier a descriptor, however many).
    // IPCSOCKET_EVENT_SOURCE=set puts every descriptor in the set at once.
    static IPCSocketEventSource *current();

    // Watches for the notifier, in the set or with its own QSocketNotifier;
    // false if another notifier of the same kind has the descriptor.
    bool add(IPCSocketNotifier *notifier);
    // Watches no more for it (its own QSocketNotifier included).
    void remove(IPCSocketNotifier *notifier);
    // Whether the descriptors are in the kernel's set now.
    bool isInSet() const { return m_inSet; }

    ~IPCSocketEventSource() override;

    // What the kernel reports of one descriptor.
    struct Ready
    {
        int descriptor;
        bool read; // readable, at the end, or failed
        bool write; // writable, or failed
    };

private:
    struct Interest
    {
        IPCSocketNotifier *read = nullptr;
        IPCSocketNotifier *write = nullptr;
        bool isEmpty() const { return !read && !write; }
    };
    // The events of the wake-ups being dispatched, one a level of nested
    // event loops (a slot may run one). A descriptor that leaves the set
    // is struck out of them, so that a number reused meanwhile by a new
    // connection gets none of the old one's events.
    struct Batch
    {
        std::vector<Ready> events;
        int count = 0;
    };

    explicit IPCSocketEventSource(QObject *dispatcher);
    void dispatch();
    Interest *interestOf(int descriptor);
    // Moves every descriptor into the kernel's set (false if it cannot be
    // had), or out of it to notifiers of their own.
    bool enterSet();
    void leaveSet();

    // The kernel's part, in ipcsocketeventsource_epoll.cpp or _kqueue.cpp.
    // A new set, close-on-exec: its descriptor, or -1 with errno.
    static int openQueue();
    // Tells the kernel what is watched of the descriptor now: false with
    // errno if it refused.
    bool changeInterest(int descriptor, const Interest &before, const Interest &after);
    // The ready descriptors, without waiting: how many were stored.
    int takeReady(Ready *ready, int maximum);

    int m_queue = -1; // the kernel's set, made when first needed
    QSocketNotifier *m_notifier = nullptr; // on m_queue
    bool m_inSet = false;
    int m_descriptors = 0; // watched
    std::vector<Interest> m_interests; // by descriptor
    std::vector<Batch> m_batches;
    size_t m_depth = 0; // batches being dispatched
};

#endif // IPCSOCKETEVENTSOURCE_P_H
