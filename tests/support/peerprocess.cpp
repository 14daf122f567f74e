// SPDX-License-Identifier: BSD-3-Clause
#include "peerprocess.h"
#include "testprogram.h"

#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#endif

PeerProcess::PeerProcess(const QString &program, const QStringList &arguments)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    startTestProgram(m_process, program, arguments); // forks at once on Unix: the id is there now
    m_processId = m_process.processId();
}

PeerProcess::~PeerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(30000);
    }
}

QByteArray PeerProcess::findLine(const QByteArray &prefix)
{
    // A peer's "alive" lines only keep the pipe busy (Wine: see the peer).
    const auto keep = [this](const QByteArray &line) {
        if (line != "alive")
            m_lines.append(line);
    };
    while (m_process.canReadLine())
        keep(m_process.readLine().trimmed());
    if (m_process.state() == QProcess::NotRunning) {
        const QByteArray rest = m_process.readAll().trimmed();
        if (!rest.isEmpty()) {
            for (const QByteArray &line : rest.split('\n'))
                keep(line.trimmed());
        }
    }
    for (const QByteArray &line : std::as_const(m_lines)) {
        if (line.startsWith(prefix))
            return line;
    }
    return {};
}

QByteArray PeerProcess::waitForLine(const QByteArray &prefix, int ms)
{
    QByteArray line = findLine(prefix);
    if (!line.isEmpty() || m_process.state() == QProcess::NotRunning)
        return line;
    QEventLoop loop;
    const auto check = [&] {
        line = findLine(prefix);
        if (!line.isEmpty() || m_process.state() == QProcess::NotRunning)
            loop.quit();
    };
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &loop, check);
    QObject::connect(&m_process, &QProcess::finished, &loop, check);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
    return line.isEmpty() ? findLine(prefix) : line;
}

bool PeerProcess::waitForStarted(int ms)
{
    return m_process.waitForStarted(ms);
}

bool PeerProcess::waitForFinished(int ms)
{
    return m_process.state() == QProcess::NotRunning || m_process.waitForFinished(ms);
}

bool PeerProcess::waitForExit(int ms)
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    QEventLoop loop;
    QObject::connect(&m_process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
    return m_process.state() == QProcess::NotRunning;
}

bool PeerProcess::exitedCleanly() const
{
    return m_process.state() == QProcess::NotRunning
           && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

qint64 PeerProcess::processId() const
{
    return m_processId;
}

void PeerProcess::kill()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

#ifdef Q_OS_UNIX
void PeerProcess::signal(int signal)
{
    if (m_process.state() != QProcess::NotRunning && m_processId > 0)
        ::kill(pid_t(m_processId), signal);
}
#endif

QString PeerProcess::describe() const
{
    QStringList said;
    for (const QByteArray &line : m_lines)
        said.append(QString::fromLocal8Bit(line));
    QString end = QStringLiteral("runs");
    if (m_process.state() == QProcess::NotRunning)
        end = m_process.exitStatus() == QProcess::CrashExit
                      ? QStringLiteral("crashed")
                      : QStringLiteral("exited with %1").arg(m_process.exitCode());
    return QStringLiteral("peer %1 said [%2], %3").arg(m_processId).arg(said.join(u" | "), end);
}
