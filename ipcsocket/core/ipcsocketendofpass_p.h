// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETENDOFPASS_P_H
#define IPCSOCKETENDOFPASS_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <vector>

class IPCSocketTransport;

// The end of one pass of a thread's event loop, for the transports that
// collect small writes there. One a thread, made when first needed and a
// child of the thread's event dispatcher (it goes with it).
//
// The next call of the dispatcher's processEvents() ends a pass: it emits
// awake() or aboutToBlock() first. (A zero timer as a backstop would cost
// the GLib dispatcher a wake-up, a write to its eventfd, every pass.) A
// thread that runs no event loop (a program that only poll()s) never ends a
// pass here: poll() hands over what is collected.
class IPCSocketEndOfPass : public QObject
{
    Q_OBJECT
public:
    // The current thread's; nullptr in a thread without an event dispatcher.
    static IPCSocketEndOfPass *current();
    // The number of the pass running now in the current thread: it changes
    // at the end of every pass. 0 in a thread without an event dispatcher.
    static quint64 currentPass();

    // transport->endOfPass() is called once at the end of this pass.
    void schedule(IPCSocketTransport *transport);

    ~IPCSocketEndOfPass() override;

private:
    explicit IPCSocketEndOfPass(QObject *dispatcher);
    void end();

    quint64 m_pass = 1;
    std::vector<QPointer<IPCSocketTransport>> m_due;
};

#endif // IPCSOCKETENDOFPASS_P_H
