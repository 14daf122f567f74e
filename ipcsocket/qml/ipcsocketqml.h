// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETQML_H
#define IPCSOCKETQML_H

#include <ipcmessagechannel.h>
#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtQml/qqml.h>

// Registers the core classes as the QML types IPCSocket, IPCServerSocket
// and IPCMessageChannel, and IPCMessage as the value type ipcMessage; the
// core library itself stays free of Qt Qml.
struct IPCSocketForeign
{
    Q_GADGET
    QML_FOREIGN(IPCSocket)
    QML_NAMED_ELEMENT(IPCSocket)
};

struct IPCServerSocketForeign
{
    Q_GADGET
    QML_FOREIGN(IPCServerSocket)
    QML_NAMED_ELEMENT(IPCServerSocket)
};

struct IPCMessageChannelForeign
{
    Q_GADGET
    QML_FOREIGN(IPCMessageChannel)
    QML_NAMED_ELEMENT(IPCMessageChannel)
};

struct IPCMessageForeign
{
    Q_GADGET
    QML_FOREIGN(IPCMessage)
    QML_VALUE_TYPE(ipcMessage)
};

#endif // IPCSOCKETQML_H
