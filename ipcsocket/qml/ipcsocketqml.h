// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETQML_H
#define IPCSOCKETQML_H

#include <ipcsocket.h>

#include <QtQml/qqml.h>

// Registers the core class as the QML type IPCSocket; the core library
// itself stays free of Qt Qml.
struct IPCSocketForeign
{
    Q_GADGET
    QML_FOREIGN(IPCSocket)
    QML_NAMED_ELEMENT(IPCSocket)
};

#endif // IPCSOCKETQML_H
