// SPDX-License-Identifier: BSD-3-Clause
#include "workerthread.h"

#include <QtCore/qcoreapplication.h>

WorkerThread::WorkerThread()
{
    m_thread.start();
    moveToThread(&m_thread);
}

WorkerThread::~WorkerThread()
{
    // Back to this thread before the worker's ends: it is destroyed here.
    QThread *home = QCoreApplication::instance()->thread();
    run([this, home] { moveToThread(home); });
    m_thread.quit();
    m_thread.wait();
}

void WorkerThread::run(const std::function<void()> &task)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_task = &task;
    m_done = false;
    QMetaObject::invokeMethod(this, "runTask", Qt::QueuedConnection);
    m_finished.wait(lock, [this] { return m_done; });
}

void WorkerThread::runTask()
{
    const std::function<void()> *task = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        task = m_task;
    }
    (*task)();
    // Notified with the lock held: once the caller sees m_done it may
    // destroy this object, condition variable and all.
    std::lock_guard<std::mutex> lock(m_mutex);
    m_done = true;
    m_finished.notify_all();
}
