// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsockettransports_p.h"
#include "ipcsocketlocalsockettransport_p.h"
#ifndef Q_OS_WIN
#include "ipcsocketdescriptortransport_p.h"
#endif

#include <QtCore/qcoreapplication.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qlocalsocket.h>

#include <memory>

namespace IPCSocketTransports {

IPCSocketTransport *adopt(qintptr descriptor, QObject *parent, QString *error)
{
    return adopt(descriptor, IPCSocketPlatform::peerCredentials(descriptor), parent, error);
}

IPCSocketTransport *adopt(qintptr descriptor, const IPCSocketPeerCredentials &peer, QObject *parent,
                          QString *error)
{
#ifndef Q_OS_WIN
    // Read once: the environment is looked up under a lock, for every
    // connection on both ends otherwise. It chooses for the whole process.
    static const bool descriptors
            = qEnvironmentVariable("IPCSOCKET_TRANSPORT") != QLatin1String("qlocalsocket");
    if (descriptors) {
        IPCSocketTransport *transport = new IPCSocketDescriptorTransport(int(descriptor), parent);
        transport->setPeer(peer);
        return transport;
    }
#endif
    auto socket = std::make_unique<QLocalSocket>();
    if (!socket->setSocketDescriptor(descriptor, QLocalSocket::ConnectedState,
                                     QIODevice::ReadWrite)) {
        *error = socket->errorString();
        return nullptr;
    }
    return adopt(socket.release(), peer, parent);
}

IPCSocketTransport *adopt(QLocalSocket *socket, QObject *parent)
{
    return adopt(socket, IPCSocketPlatform::peerCredentials(socket->socketDescriptor()), parent);
}

IPCSocketTransport *adopt(QLocalSocket *socket, const IPCSocketPeerCredentials &peer,
                          QObject *parent)
{
    IPCSocketTransport *transport = new IPCSocketLocalSocketTransport(socket, parent);
    transport->setPeer(peer);
    return transport;
}

bool hasEventLoop(const QObject *transport)
{
    const QThread *home = transport->thread();
    return home && (home == QThread::currentThread() || !home->isFinished());
}

void dispose(QObject *transport)
{
    if (hasEventLoop(transport))
        transport->deleteLater();
    else
        delete transport;
}

void keepAlive(QObject *transport)
{
    // Past the life of its IPCSocket (the application deletes it last),
    // as long as it lives in the application's thread.
    if (QCoreApplication *app = QCoreApplication::instance();
        app && app->thread() == transport->thread())
        transport->setParent(app);
}

} // namespace IPCSocketTransports
