// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKET_TEST_PEER_H
#define IPCSOCKET_TEST_PEER_H

#include <peerprocess.h>

#include <QtCore/qfile.h>

// ipcsocket-peer (tests/ipcsocket/peer) in its own process.
class Peer : public PeerProcess
{
public:
    explicit Peer(const QStringList &arguments)
        : PeerProcess(QStringLiteral(IPCSOCKET_PEER), arguments)
    { }
};

// Lets a peer that dropped root to nobody (--as-nobody) reach the socket
// files in folder; what the files themselves allow is up to the test.
inline bool letOthersIn(const QString &folder)
{
    return QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                 | QFile::ReadOther | QFile::ExeOther);
}

#endif // IPCSOCKET_TEST_PEER_H
