// SPDX-License-Identifier: BSD-3-Clause
#ifndef WORKERTHREAD_H
#define WORKERTHREAD_H

#include <QtCore/qobject.h>
#include <QtCore/qthread.h>

#include <condition_variable>
#include <functional>
#include <mutex>

// A thread with an event loop, and a way to run code in it and wait for it.
// The hand-over goes through a std::mutex rather than a blocking queued
// call, so that ThreadSanitizer (which cannot see inside Qt's own locks)
// sees what the worker gets from the caller and the caller gets back.
class WorkerThread : public QObject
{
    Q_OBJECT
public:
    WorkerThread();
    ~WorkerThread() override;

    // Runs task in the worker thread and waits for it.
    void run(const std::function<void()> &task);

    template<typename T>
    T ask(const std::function<T()> &question)
    {
        T answer{};
        run([&] { answer = question(); });
        return answer;
    }

    QThread *workerThread() { return &m_thread; }

private Q_SLOTS:
    void runTask();

private:
    QThread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_finished;
    const std::function<void()> *m_task = nullptr;
    bool m_done = false;
};

#endif // WORKERTHREAD_H
