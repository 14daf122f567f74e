// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETPLATFORM_P_H
#define IPCSOCKETPLATFORM_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketfailure_p.h"

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE
class IPCSocketTransport;

// Who is at the other end of a connection, as the kernel reports it.
struct IPCSocketPeerCredentials
{
    qint64 processId = -1;
    qint64 userId = -1;
    qint64 groupId = -1;
};

// The platform part: how a connection comes to be (the listening side is
// IPCSocketListener). Once it exists, the connection is an
// IPCSocketTransport.
namespace IPCSocketPlatform {

// Connects to the listener at path. Returns the connection, owned by
// parent, or nullptr with *failure set; 103 always means that nothing
// listens there yet (no file, a stale one, a full backlog).
IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *failure);

// Appends what the system still holds for a connection that is being torn
// down, so that no byte the peer sent is lost with it.
void drain(qintptr descriptor, QByteArray *into);

// The peer of a connected descriptor; -1 for what the system does not say.
IPCSocketPeerCredentials peerCredentials(qintptr descriptor);

// This process's effective user id (-1 where there is none).
qint64 currentUserId();

} // namespace IPCSocketPlatform

#endif // IPCSOCKETPLATFORM_P_H
