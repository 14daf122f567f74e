// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSERVERSOCKET_P_H
#define IPCSERVERSOCKET_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcserversocket.h"
#include "ipcsocketfailure_p.h"

#include <QtCore/qpointer.h>

class IPCSocketListener;
class IPCSocketTransport;

class IPCServerSocketPrivate
{
    Q_DECLARE_PUBLIC(IPCServerSocket)
public:
    explicit IPCServerSocketPrivate(IPCServerSocket *q) : q_ptr(q) { }

    void fail(const IPCSocketFailure &failure);
    void takePeer(IPCSocketTransport *connection);
    // The connection of socket has ended (or the socket is gone).
    void release(IPCSocket *socket);
    // Pauses the listener at the limit, resumes it below.
    void updateAccepting();
    void notifyListening();

    IPCServerSocket *const q_ptr;
    QString path;
    IPCSocket::AccessMode accessMode = IPCSocket::UserOnly;
    int maximumSocketsConnected = 10;
    int lastErrorCode = 0;
    QPointer<IPCSocketListener> listener;
    QList<QPointer<IPCSocket>> connections;
    // Ended, deleteLater() asked. Without an event loop poll() deletes
    // them, a generation late: one that ended just now may still be inside
    // its own signals, in the caller's stack.
    QList<QPointer<IPCSocket>> ended;
    QList<QPointer<IPCSocket>> endedEarlier;
    int pollDepth = 0;
    bool notifiedListening = false;
};

#endif // IPCSERVERSOCKET_P_H
