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

// Checks what can be known before touching the socket itself: the
// spelling (checkSpelling()), then the file system (checkFolder()).
IPCSocketFailure check(const QString &path, const char *action);

// Empty, too long, a NUL: what no call of the system is needed to see.
IPCSocketFailure checkSpelling(const QString &path, const char *action);

// A folder that does not exist, is not a folder or cannot be searched, or
// a path that is itself a folder. Two looks at the file system: a connector
// asks only after connecting has failed, to say why (connecting to a
// listener is the one thing it has to be quick at).
IPCSocketFailure checkFolder(const QString &path, const char *action);

// The Windows named pipe that stands for the socket file at path (the name
// after "\\.\pipe\"): "ipcsocket/" and the absolute path, spelt the one way
// that Windows would resolve it to:
// - made absolute against the current directory ("s.sock", ".\s.sock" and
//   "C:\work\s.sock" in C:\work are one pipe);
// - '/' for every '\' (pipe names may hold anything but a backslash);
// - ".", ".." and doubled separators resolved, as Windows resolves them in
//   a path before it looks at the disk (no symbolic links among them);
//   "\\?\" and "\\.\" prefixes dropped, "\\server\share" kept as "//server/share";
// - the dots and spaces that end the file name dropped, as Windows does;
// - every character of a lower and upper case pair in upper case (its
//   simple Unicode mapping), as NTFS compares names; "ß", "ı" and the
//   Kelvin sign stay what they are.
// Stable: a pure function of the path and the current directory. Collision
// free: two paths that are two files under these rules give two names,
// since the name is the spelling itself, not a digest. What it cannot see
// without a file to look at: 8.3 short names, junctions and folders that
// are case-sensitive (a Windows 10 per-folder option) name one file in two
// ways that give two pipes; the lock file still refuses a second listener
// for such a second spelling (IPCSocketPathLock), but a connector must use
// the listener's spelling up to the rules above.
QString pipeNameForPath(const QString &path);
// The same for a path that is already absolute (a Windows path, whatever
// the platform: the rules are testable everywhere).
QString pipeNameForAbsolutePath(const QString &absolutePath);

// The file permission bits for an access mode (0600, 0660 or 0666).
int permissions(IPCSocket::AccessMode mode);

// "Cannot listen on '/tmp/x'": the start of every message about path.
QString describe(const char *action, const QString &path);

// A failure whose message is describe(action, path) and the cause.
IPCSocketFailure failure(int code, const char *action, const QString &path, const QString &cause);

} // namespace IPCSocketPath

#endif // IPCSOCKETPATH_P_H
