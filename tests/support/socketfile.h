// SPDX-License-Identifier: BSD-3-Clause
#ifndef SOCKETFILE_H
#define SOCKETFILE_H

#include <QtCore/qbytearray.h>
#include <QtCore/qglobal.h>
#include <QtCore/qstring.h>

#include <future>

// What a socket path is on the platform the tests run on: a socket file on
// Unix, a named pipe named after the path on Windows (there is no file
// there). The tests ask these instead of the file system, so that what
// they check means the same on both.
namespace SocketFile {

// A QTemporaryDir template for socket paths that stay far below the
// 103-byte limit: /tmp on Unix (the temporary folder may be long, as on
// macOS), the temporary folder on Windows (where /tmp is no folder).
QString temporaryFolderTemplate(const QString &prefix);

// Unix: whether the socket file is there (live or stale). Windows: whether
// the pipe of path takes connections now, asked without connecting.
bool exists(const QString &path);

// The name QLocalSocket::connectToServer() takes to reach the listener at
// path without this project's code: the path itself on Unix, the pipe's
// name on Windows.
QString serverName(const QString &path);

// Whether handle is what the system knows as a connection's end: a socket
// on Unix, a pipe on Windows.
bool isConnectionHandle(qintptr handle);

// This process's user and group as IPCSocket reports a peer's: the
// effective ids on Unix, -1 on Windows (no numeric ids).
qint64 currentUserId();
qint64 currentGroupId();

// What a program this project did not write does when it connects to the
// listener at path and closes at once: a plain socket (Unix) or a plain
// pipe client (Windows). Whether it got through.
bool connectAndLeave(const QString &path);

#ifdef Q_OS_WIN
// A client this project did not write, as a Windows program without Qt is
// one: the Win32 pipe calls alone, blocking (run it in a thread of its
// own). Connects to the listener at path, sends bytes, reads until
// replySize bytes came or the listener closed, closes; what it read.
QByteArray plainPipeExchange(const QString &path, const QByteArray &bytes, qsizetype replySize);
// The same in a thread of its own, which nobody waits for: a client that
// hangs fails the test that waits for its future, not the whole program.
std::future<QByteArray> startPlainPipeExchange(const QString &path, const QByteArray &bytes,
                                               qsizetype replySize);
#endif

// A socket file left by a listener that crashed: bound, never unlinked,
// nobody listening. Unix only: on Windows a pipe goes with its last handle,
// so there is no such thing (false).
bool makeStale(const QString &path);

} // namespace SocketFile

#endif // SOCKETFILE_H
