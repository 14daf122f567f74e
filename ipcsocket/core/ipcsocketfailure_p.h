// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETFAILURE_P_H
#define IPCSOCKETFAILURE_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qstring.h>

// What went wrong, as the error() signal reports it: a Xojo error number and
// a message that names the path and the cause.
struct IPCSocketFailure
{
    int code = 0;
    QString message;

    bool isFailure() const { return code != 0; }
};

#endif // IPCSOCKETFAILURE_P_H
