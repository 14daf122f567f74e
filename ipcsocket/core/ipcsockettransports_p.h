// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETTRANSPORTS_P_H
#define IPCSOCKETTRANSPORTS_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketplatform_p.h"

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QLocalSocket;
class QObject;
class QString;
QT_END_NAMESPACE
class IPCSocketTransport;

// Where every platform's connections get their transport, and what the
// transports share about their own lifetime.
namespace IPCSocketTransports {

// The transport for a connected descriptor (Unix), by default or as
// IPCSOCKET_TRANSPORT says, with its peer read now; nullptr with *error set
// if it cannot be used.
IPCSocketTransport *adopt(qintptr descriptor, QObject *parent, QString *error);
// The same with the peer already read (a listener reads it to check it).
IPCSocketTransport *adopt(qintptr descriptor, const IPCSocketPeerCredentials &peer, QObject *parent,
                          QString *error);

// The transport for a connected QLocalSocket (Windows), which it takes
// over, with its peer read now.
IPCSocketTransport *adopt(QLocalSocket *socket, QObject *parent);
// The same with the peer already read (Windows says nothing once the peer
// has gone: the listener reads it first).
IPCSocketTransport *adopt(QLocalSocket *socket, const IPCSocketPeerCredentials &peer,
                          QObject *parent);

// For a transport that has to outlive its IPCSocket to send the rest.
void keepAlive(QObject *transport);

// Whether the transport's thread still runs, or will run, an event loop to
// finish its work in (send the rest, delete it later).
bool hasEventLoop(const QObject *transport);

// Deletes a closed transport: later, from its thread's event loop, since a
// slot of ours may be unwinding below; at once where that loop has ended
// for good (a socket deleted after its thread), where nothing of ours can
// be running and a later deletion would never come.
void dispose(QObject *transport);

} // namespace IPCSocketTransports

#endif // IPCSOCKETTRANSPORTS_P_H
