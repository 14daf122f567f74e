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

std::unique_ptr<PeerProcess> startPeer(const QStringList &arguments)
{
    return std::make_unique<PeerProcess>(QCoreApplication::applicationFilePath(),
                                         QStringList{QStringLiteral("--peer")} + arguments);
}

} // namespace Stress
