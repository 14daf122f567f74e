// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETPATH_P_H
#define IPCSOCKETPATH_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocket.h"
#include "ipcsocketfailure_p.h"

namespace IPCSocketPath {

// The longest path a Unix sockaddr_un takes everywhere (macOS has 104 bytes
// with the terminating NUL; Linux 108).
constexpr int MaximumBytes = 103;

// Checks what can be known before touching the socket itself: empty, too
// long, a folder that does not exist or cannot be searched.
IPCSocketFailure check(const QString &path, const char *action);

// The Windows named pipe that stands for the socket file at absolutePath:
// the same file always gives the same pipe, whatever spelling of the path.
QString pipeNameForPath(const QString &absolutePath);

// The file permission bits for an access mode (0600, 0660 or 0666).
int permissions(IPCSocket::AccessMode mode);

// "Cannot listen on '/tmp/x'": the start of every message about path.
QString describe(const char *action, const QString &path);

// A failure whose message is describe(action, path) and the cause.
IPCSocketFailure failure(int code, const char *action, const QString &path, const QString &cause);

} // namespace IPCSocketPath

#endif // IPCSOCKETPATH_P_H
