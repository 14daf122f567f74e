// SPDX-License-Identifier: BSD-3-Clause
#include "support.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>
#include <QtCore/qtimer.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace Stress {

void say(const QString &line)
{
    std::fprintf(stdout, "%s\n", line.toLocal8Bit().constData());
    std::fflush(stdout);
}

void complain(const QString &line)
{
    std::fprintf(stderr, "FAIL: %s\n", line.toLocal8Bit().constData());
    std::fflush(stderr);
}

int slowdown()
{
#ifdef IPCSOCKET_SANITIZED
    return 4;
#else
    return 1;
#endif
}

bool waitUntil(const std::function<bool()> &done, int ms)
{
    if (done())
        return true;
    const QDeadlineTimer deadline(ms);
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done() || deadline.hasExpired())
            loop.quit();
    });
    check.start(1);
    loop.exec();
    return done();
}

void spin(int ms)
{
    const QDeadlineTimer deadline(ms);
    waitUntil([&] { return deadline.hasExpired(); }, ms + 1000);
}

int openDescriptors()
{
    // Less the one that lists the folder.
    return int(QDir(QStringLiteral("/proc/self/fd"))
                       .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                       .size())
           - 1;
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * ::sysconf(_SC_PAGESIZE) : -1;
}

Watchdog::Watchdog()
    : m_thread([this] {
          std::unique_lock<std::mutex> lock(m_mutex);
          while (!m_stop) {
              if (!m_armed) {
                  m_changed.wait(lock);
                  continue;
              }
              if (m_changed.wait_until(lock, m_deadline) == std::cv_status::timeout && m_armed
                  && !m_stop && std::chrono::steady_clock::now() >= m_deadline) {
                  std::fprintf(stderr, "FAIL: watchdog: %s took too long: a hang\n",
                               m_what.constData());
                  std::fflush(stderr);
                  std::abort();
              }
          }
      })
{ }

Watchdog::~Watchdog()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_one();
    m_thread.join();
}

void Watchdog::arm(const QString &what, int seconds)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_what = what.toLocal8Bit() + " (bound " + QByteArray::number(seconds) + " s)";
        m_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        m_armed = true;
    }
    m_changed.notify_one();
}

void Watchdog::disarm()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_armed = false;
    }
    m_changed.notify_one();
}

PeerProcess::PeerProcess(const QStringList &arguments)
{
    m_process.setProgram(QCoreApplication::applicationFilePath());
    m_process.setArguments(QStringList{QStringLiteral("--peer")} + arguments);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start();
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
}

QByteArray PeerProcess::waitForLine(const QByteArray &prefix, int ms)
{
    QByteArray line;
    waitUntil(
            [&] {
                line = findLine(prefix);
                return !line.isEmpty() || m_process.state() == QProcess::NotRunning;
            },
            ms);
    return line.isEmpty() ? findLine(prefix) : line;
}

bool PeerProcess::waitForExit(int ms)
{
    return waitUntil([&] { return m_process.state() == QProcess::NotRunning; }, ms);
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

void PeerProcess::signal(int signal)
{
    // Not once it has ended: the number may be another process's by now.
    if (m_process.state() != QProcess::NotRunning && m_processId > 0)
        ::kill(pid_t(m_processId), signal);
}

QString PeerProcess::describe() const
{
    QStringList said;
    for (const QByteArray &line : m_lines)
        said.append(QString::fromLocal8Bit(line));
    return QStringLiteral("peer %1 said [%2]").arg(m_processId).arg(said.join(u" | "));
}

} // namespace Stress
