// SPDX-License-Identifier: BSD-3-Clause
//
// Xojo's console pattern: a program without an event loop that drives its
// IPCSocket by calling poll() in its own loop.
//
//   ipcsocket-poll listen PATH               waits for one peer and answers
//                                            each line with "echo: <line>"
//   ipcsocket-poll connect PATH LINE...      sends the lines, prints the
//                                            answers, then closes
//
// Start the listener first, then the connector in another terminal.

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>

#ifdef Q_OS_WIN
#include <QtCore/qthread.h>

#include <algorithm>
#else
#include <poll.h>
#endif

#include <cstdio>

namespace {

// Sleeps until the socket's descriptor has something for it, at most
// timeoutMs. Not needed for correctness (the loop could call poll() and
// sleep a fixed time) but it keeps an idle program from spinning.
// handle() is the listener's descriptor until the peer arrives, then the
// connection's, so it is asked anew each time. On Windows a pipe handle
// cannot be waited on for "readable": a short sleep keeps it from spinning.
#ifdef Q_OS_WIN
void waitForActivity(const IPCSocket &, int timeoutMs)
{
    QThread::msleep(ulong(std::clamp(timeoutMs, 0, 5)));
}
#else
//! [1]
void waitForActivity(const IPCSocket &socket, int timeoutMs)
{
    pollfd descriptor{};
    descriptor.fd = int(socket.handle());
    descriptor.events = POLLIN | (socket.bytesLeftToSend() > 0 ? POLLOUT : 0);
    ::poll(&descriptor, descriptor.fd >= 0 ? 1 : 0, timeoutMs);
}
//! [1]
#endif

int listen(IPCSocket &socket)
{
    bool done = false;
    int status = 0;
    // The signals are delivered from inside poll(), in this thread.
    QObject::connect(&socket, &IPCSocket::connected, [] { std::puts("connected"); });
    QObject::connect(&socket, &IPCSocket::dataAvailable, [&socket] {
        while (socket.canReadLine()) {
            const QString line = QString::fromUtf8(socket.readLine()).chopped(1);
            std::printf("received: %s\n", qUtf8Printable(line));
            socket.write(QStringLiteral("echo: %1\n").arg(line));
        }
    });
    QObject::connect(&socket, &IPCSocket::error, [&](int number, const QString &message) {
        if (number == IPCSocket::LostConnection) {
            std::puts("the peer left");
        } else {
            std::fprintf(stderr, "error %d: %s\n", number, qPrintable(message));
            status = 1;
        }
        done = true;
    });
    if (!socket.listen())
        return 1;
    std::printf("listening on %s\n", qPrintable(socket.path()));
    std::fflush(stdout);

    //! [0]
    // The program's own loop: Xojo's "Do ... socket.Poll ... Loop".
    while (!done) {
        socket.poll();
        std::fflush(stdout);
        waitForActivity(socket, 50);
    }
    //! [0]
    return status;
}

int connect(IPCSocket &socket, const QStringList &lines)
{
    qsizetype answers = 0;
    int status = 0;
    bool failed = false;
    QObject::connect(&socket, &IPCSocket::connected, [&] {
        std::puts("connected");
        for (const QString &line : lines)
            socket.write(line + QLatin1Char('\n'));
    });
    QObject::connect(&socket, &IPCSocket::dataAvailable, [&] {
        while (socket.canReadLine()) {
            std::printf("received: %s", socket.readLine().constData());
            ++answers;
        }
    });
    QObject::connect(&socket, &IPCSocket::error, [&](int number, const QString &message) {
        std::fprintf(stderr, "error %d: %s\n", number, qPrintable(message));
        failed = true;
        status = 1;
    });
    if (!socket.connect())
        return 1;

    // A console program decides itself how long it waits.
    const QDeadlineTimer deadline(10000);
    while (!failed && answers < lines.size()) {
        if (deadline.hasExpired()) {
            std::fprintf(stderr, "error: %lld of %lld answers from %s in 10 s\n",
                         qlonglong(answers), qlonglong(lines.size()), qPrintable(socket.path()));
            return 1;
        }
        socket.poll();
        waitForActivity(socket, 50);
    }
    socket.close();
    return status;
}

} // namespace

int main(int argc, char *argv[])
{
    // Never exec()'d: the loops above are the program's own. IPCSocket
    // still needs the application object that every Qt program has.
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const QString mode = arguments.value(1);
    if (arguments.size() < 3 || (mode != u"listen" && mode != u"connect")) {
        std::fputs("usage: ipcsocket-poll listen PATH\n"
                   "       ipcsocket-poll connect PATH LINE...\n",
                   stderr);
        return 2;
    }

    IPCSocket socket;
    socket.setPath(arguments.at(2));
    return mode == u"listen" ? listen(socket) : connect(socket, arguments.mid(3));
}
