// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_SUPPORT_H
#define STRESS_SUPPORT_H

#include <peerprocess.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace Stress {

struct Options
{
    QString command;
    qint64 seconds = -1; // -1: the command's own default
    qint64 rounds = -1;
    quint64 seed = 0;
};

// A line on stdout, at once (the figures of a run, the events of a peer).
void say(const QString &line);
// A line on stderr that makes the run fail.
void complain(const QString &line);

// Sanitized builds run several times slower: every bound is scaled by this.
int slowdown();

// Runs the event loop until done() or ms have passed; done()'s answer.
bool waitUntil(const std::function<bool()> &done, int ms);
// Runs the event loop for ms.
void spin(int ms);

// Open descriptors (/proc/self/fd) and resident memory (/proc/self/statm).
int openDescriptors();
qint64 residentBytes();

// Turns a hang into a failure: aborts the process, with a message, when a
// step takes longer than it was given. A deadlock in Qt's locks cannot be
// timed out from the thread that is stuck in it.
class Watchdog
{
public:
    Watchdog();
    ~Watchdog();
    void arm(const QString &what, int seconds);
    void disarm();

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    QByteArray m_what;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_armed = false;
    bool m_stop = false;
    std::thread m_thread; // last: it uses the members above
};

// This program again, as the other side (--peer ...).
std::unique_ptr<PeerProcess> startPeer(const QStringList &arguments);

} // namespace Stress

#endif // STRESS_SUPPORT_H
