// SPDX-License-Identifier: BSD-3-Clause
#ifndef PEERPROCESS_H
#define PEERPROCESS_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstringlist.h>

// The other side of a test, in a process of its own: its stdout lines are
// its events, its stderr goes to ours. Killed when it goes out of scope.
// Shared by the Qt Tests and ipcsocket-stress.
class PeerProcess
{
public:
    PeerProcess(const QString &program, const QStringList &arguments);
    ~PeerProcess();
    PeerProcess(const PeerProcess &) = delete;
    PeerProcess &operator=(const PeerProcess &) = delete;

    // The first line that starts with prefix, waiting for it in an event
    // loop (so that this process's sockets run meanwhile); empty if none
    // came in ms or the process ended without it.
    QByteArray waitForLine(const QByteArray &prefix, int ms = 120000);
    bool waitForStarted(int ms);
    // Blocks, as QProcess::waitForFinished() does: nothing else runs.
    bool waitForFinished(int ms);
    // Waits in an event loop, so that this process's sockets run meanwhile.
    bool waitForExit(int ms);
    // Whether it ended by itself with exit code 0.
    bool exitedCleanly() const;
    // Kept after the end, when QProcess already says 0.
    qint64 processId() const;
    // Ends it at once, as a crash would (SIGKILL on Unix, TerminateProcess()
    // on Windows): nothing of it runs any more, no destructor, no close().
    void kill();
#ifdef Q_OS_UNIX
    // Only while it runs: after that the number may be another process's.
    void signal(int signal);
#endif
    QString describe() const;

private:
    QByteArray findLine(const QByteArray &prefix);

    QProcess m_process;
    qint64 m_processId = 0;
    QList<QByteArray> m_lines;
};

#endif // PEERPROCESS_H
