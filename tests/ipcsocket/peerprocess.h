// SPDX-License-Identifier: BSD-3-Clause
#ifndef PEERPROCESS_H
#define PEERPROCESS_H

#include <QtCore/qdebug.h>
#include <QtCore/qfile.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtimer.h>

// How long a peer may take to say something, on a slow (sanitizer) build.
constexpr int PeerTimeout = 120000;

// ipcsocket-peer in its own process; its stdout lines are its events.
class Peer
{
public:
    explicit Peer(const QStringList &arguments)
    {
        m_process.setProgram(QStringLiteral(IPCSOCKET_PEER));
        m_process.setArguments(arguments);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
    }
    ~Peer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(PeerTimeout);
        }
    }

    // The first line that starts with prefix, waiting for it in an event
    // loop, so that this process's sockets run at full speed meanwhile.
    QByteArray waitForLine(const QByteArray &prefix)
    {
        const auto find = [&]() -> QByteArray {
            while (m_process.canReadLine())
                m_lines.append(m_process.readLine().trimmed());
            if (m_process.state() == QProcess::NotRunning) {
                const QByteArray rest = m_process.readAll().trimmed();
                if (!rest.isEmpty())
                    m_lines.append(rest.split('\n'));
            }
            for (const QByteArray &line : std::as_const(m_lines)) {
                if (line.startsWith(prefix))
                    return line;
            }
            return {};
        };
        QByteArray line = find();
        if (!line.isEmpty())
            return line;
        QEventLoop loop;
        QTimer timeout;
        timeout.setSingleShot(true);
        const auto check = [&] {
            line = find();
            if (!line.isEmpty() || m_process.state() == QProcess::NotRunning)
                loop.quit();
        };
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &loop, check);
        QObject::connect(&m_process, &QProcess::finished, &loop, check);
        QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        timeout.start(PeerTimeout);
        if (m_process.state() != QProcess::NotRunning)
            loop.exec();
        line = find();
        if (line.isEmpty())
            qWarning() << "peer said" << m_lines << "but not" << prefix;
        return line;
    }

    QProcess m_process;
    QList<QByteArray> m_lines;
};

// Lets a peer that dropped root to nobody (--as-nobody) reach the socket
// files in folder; what the files themselves allow is up to the test.
inline bool letOthersIn(const QString &folder)
{
    return QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                 | QFile::ReadOther | QFile::ExeOther);
}

#endif // PEERPROCESS_H
