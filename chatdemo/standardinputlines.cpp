// SPDX-License-Identifier: BSD-3-Clause
#include "standardinputlines.h"

#include <QtCore/qdebug.h>

#ifdef Q_OS_WIN
#include <QtCore/qtimer.h>
#include <qt_windows.h>
#else
#include <QtCore/qsocketnotifier.h>
#include <unistd.h>
#endif

StandardInputLines::StandardInputLines(QObject *parent) : QObject(parent)
{
    watch();
}

void StandardInputLines::take(const char *data, qsizetype size)
{
    m_partialLine.append(data, size);
    for (qsizetype end; (end = m_partialLine.indexOf('\n')) >= 0;) {
        QByteArray line = m_partialLine.left(end);
        m_partialLine.remove(0, end + 1);
        if (line.endsWith('\r')) // a Windows program's line end
            line.chop(1);
        emit lineRead(QString::fromUtf8(line));
    }
}

#ifdef Q_OS_WIN

void StandardInputLines::watch()
{
    const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    if (GetFileType(input) != FILE_TYPE_PIPE) {
        qWarning("--stdin: standard input is not a pipe; on Windows, lines are read from a "
                 "pipe only (as in: program | ipcsocket-chatdemo --stdin)");
        return;
    }
    // Windows tells no event loop when an anonymous pipe (or the one that
    // QProcess gives a child) has data: it is asked, often enough for a
    // person and cheap enough for a program that waits for nothing else.
    auto *poll = new QTimer(this);
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, this, [this, poll, input] {
        DWORD waiting = 0;
        if (!PeekNamedPipe(input, nullptr, 0, nullptr, &waiting, nullptr)) {
            poll->stop(); // the writer has gone: the end of the input
            return;
        }
        while (waiting > 0) {
            char buffer[4096];
            DWORD read = 0;
            // Never blocks: no more than what is waiting.
            if (!ReadFile(input, buffer, qMin<DWORD>(waiting, sizeof(buffer)), &read, nullptr)
                || read == 0) {
                poll->stop();
                return;
            }
            take(buffer, qsizetype(read));
            waiting -= read;
        }
    });
    poll->start();
}

#else

void StandardInputLines::watch()
{
    auto *notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    QObject::connect(notifier, &QSocketNotifier::activated, this, [this, notifier] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
        if (n <= 0) {
            notifier->setEnabled(false); // the end of the input
            return;
        }
        take(buffer, qsizetype(n));
    });
}

#endif
