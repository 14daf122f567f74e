// SPDX-License-Identifier: BSD-3-Clause
//
// Small writes are collected (IPCSocket::write() and IPCMessageChannel in the
// reference): a burst costs a few system calls, and no byte
// that write() accepted is lost on the way, however the connection ends.

#include "pattern.h"
#include "peerprocess.h"

#include <ipcmessagechannel.h>
#include <ipcsocket.h>

#include <QtCore/qtemporarydir.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>

#ifdef Q_OS_LINUX
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

// The system calls that hand bytes to a descriptor, counted for one
// descriptor: this executable's definitions come before the C library's for
// every library it loads, so IPCSocket's (and QLocalSocket's) calls pass
// here on their way to the real ones.
namespace {
std::atomic<int> countedDescriptor{-1};
std::atomic<int> sendCalls{0};

template<typename Function>
Function next(const char *name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

void count(int fd)
{
    if (fd >= 0 && fd == countedDescriptor.load(std::memory_order_relaxed))
        sendCalls.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

extern "C" {
Q_DECL_EXPORT ssize_t sendmsg(int fd, const msghdr *message, int flags)
{
    static const auto real = next<ssize_t (*)(int, const msghdr *, int)>("sendmsg");
    count(fd);
    return real(fd, message, flags);
}
Q_DECL_EXPORT ssize_t send(int fd, const void *data, size_t size, int flags)
{
    static const auto real = next<ssize_t (*)(int, const void *, size_t, int)>("send");
    count(fd);
    return real(fd, data, size, flags);
}
Q_DECL_EXPORT ssize_t write(int fd, const void *data, size_t size)
{
    static const auto real = next<ssize_t (*)(int, const void *, size_t)>("write");
    count(fd);
    return real(fd, data, size);
}
Q_DECL_EXPORT ssize_t writev(int fd, const iovec *vectors, int count_)
{
    static const auto real = next<ssize_t (*)(int, const iovec *, int)>("writev");
    count(fd);
    return real(fd, vectors, count_);
}
}
#endif

namespace {

constexpr int Timeout = 20000;

// A listener and a connector in this process, both connected.
struct Pair
{
    IPCSocket listener;
    IPCSocket connector;
    bool connect(const QString &path)
    {
        listener.setPath(path);
        connector.setPath(path);
        QSignalSpy connected(&connector, &IPCSocket::connected);
        if (!listener.listen() || !connector.connect())
            return false;
        QDeadlineTimer deadline(Timeout);
        while ((!listener.isConnected() || connected.isEmpty()) && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        return listener.isConnected() && !connected.isEmpty();
    }
};

} // namespace

class tst_CollectedWrites : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstCostsFewSystemCalls();
    void messageBurstCostsFewSystemCalls();
    void quietWriteGoesAtOnce();
    void closeSendsCollectedBytes();
    void destructorSendsCollectedBytes();
    void peerDiesWhileBytesCollected();
    void pollOnlyProgram();
    void writesFromSlots();
    void bytesWrittenTotals();
    void largePayloadIsNotCopied();
    void messagesOfEverySizeInOneBurst();

private:
    QString socketPath() { return m_dir.filePath(QStringLiteral("s%1").arg(++m_serial)); }
    QTemporaryDir m_dir;
    int m_serial = 0;
};

void tst_CollectedWrites::burstCostsFewSystemCalls()
{
#ifndef Q_OS_LINUX
    QSKIP("counts system calls by interposing them, which needs Linux");
#else
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    QByteArray received;
    connect(&pair.listener, &IPCSocket::dataAvailable, this,
            [&] { received += pair.listener.readAll(); });

    // A thousand writes in one pass of the event loop, nothing queued before.
    const QByteArray expected = pattern(0, 1000 * 16);
    countedDescriptor = int(pair.connector.handle());
    sendCalls = 0;
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(pair.connector.write(expected.mid(i * 16, 16)), 16);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), expected.size(), Timeout);
    const int calls = sendCalls.exchange(0);
    countedDescriptor = -1;
    QCOMPARE(received, expected);
    // The first write at once, the rest together: a few, not a thousand.
    qDebug("1000 writes: %d system calls", calls);
    QVERIFY2(calls <= 4, qPrintable(QStringLiteral("%1 system calls").arg(calls)));
#endif
}

void tst_CollectedWrites::messageBurstCostsFewSystemCalls()
{
#ifndef Q_OS_LINUX
    QSKIP("counts system calls by interposing them, which needs Linux");
#else
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    IPCMessageChannel sender(&pair.connector);
    IPCMessageChannel receiver(&pair.listener);
    QList<QByteArray> received;
    connect(&receiver, &IPCMessageChannel::binaryMessageReceived, this,
            [&](const QByteArray &message) { received.append(message); });

    countedDescriptor = int(pair.connector.handle());
    sendCalls = 0;
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(sender.sendBinaryMessage(pattern(i, 16)), 16);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1000, Timeout);
    const int calls = sendCalls.exchange(0);
    countedDescriptor = -1;
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(received.at(i), pattern(i, 16));
    qDebug("1000 messages: %d system calls", calls);
    QVERIFY2(calls <= 4, qPrintable(QStringLiteral("%1 system calls").arg(calls)));
#endif
}

void tst_CollectedWrites::quietWriteGoesAtOnce()
{
    // A request on a quiet connection is never delayed: the peer can read
    // it without this side running its event loop again.
#ifndef Q_OS_WIN
    if (qEnvironmentVariable("IPCSOCKET_TRANSPORT") == QLatin1String("qlocalsocket"))
        QSKIP("QLocalSocket on Unix hands writes over in the event loop");
#endif
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    QCOMPARE(pair.connector.write("ping"), 4);
#ifdef Q_OS_WIN
    // The pipe writer calls WriteFile at once, and counts the bytes until
    // the system's confirmation reaches the event loop.
    QVERIFY(pair.connector.bytesLeftToSend() <= 4);
#else
    QCOMPARE(pair.connector.bytesLeftToSend(), 0);
#endif
    QVERIFY(pair.listener.waitForReadyRead(Timeout));
    QCOMPARE(pair.listener.readAll(), QByteArray("ping"));
}

void tst_CollectedWrites::closeSendsCollectedBytes()
{
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    QByteArray received;
    connect(&pair.listener, &IPCSocket::dataAvailable, this,
            [&] { received += pair.listener.readAll(); });
    QSignalSpy lost(&pair.listener, &IPCSocket::error);

    const QByteArray expected = pattern(7, 500 * 33);
    for (int i = 0; i < 500; ++i)
        pair.connector.write(expected.mid(i * 33, 33));
    QVERIFY(pair.connector.bytesLeftToSend() > 0); // collected, not gone yet
    pair.connector.close(); // no event loop in between
    QCOMPARE(pair.connector.bytesLeftToSend(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, Timeout);
    QCOMPARE(lost.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QCOMPARE(received, expected);
}

void tst_CollectedWrites::destructorSendsCollectedBytes()
{
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
    QByteArray received;
    connect(&listener, &IPCSocket::dataAvailable, this, [&] { received += listener.readAll(); });
    QSignalSpy lost(&listener, &IPCSocket::error);
    const QByteArray expected = pattern(3, 200 * 10);
    {
        IPCSocket connector;
        connector.setPath(listener.path());
        QVERIFY(connector.connect());
        QTRY_VERIFY_WITH_TIMEOUT(listener.isConnected(), Timeout);
        for (int i = 0; i < 200; ++i)
            connector.write(expected.mid(i * 10, 10));
    }
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, Timeout);
    QCOMPARE(received, expected);
}

void tst_CollectedWrites::peerDiesWhileBytesCollected()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer sink({QStringLiteral("connect"), socket.path(), QStringLiteral("sink")});
    QTRY_VERIFY_WITH_TIMEOUT(socket.isConnected(), Timeout);
    QSignalSpy errors(&socket, &IPCSocket::error);

    // The first write goes at once; the rest are collected when the peer
    // dies. Handing them over then is 102, never SIGPIPE or a hang.
    for (int i = 0; i < 100; ++i)
        socket.write(pattern(i, 100));
    sink.kill();
    QVERIFY(sink.waitForFinished(Timeout));
    for (int i = 0; i < 100; ++i)
        socket.write(pattern(i, 100));
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QVERIFY(!socket.isConnected());
    QCOMPARE(socket.bytesLeftToSend(), 0);
    QTest::qWait(50);
    QCOMPARE(errors.size(), 1);
}

void tst_CollectedWrites::pollOnlyProgram()
{
    // No event loop runs in this function: poll() alone hands over what is
    // collected and reads what came.
    IPCSocket listener;
    IPCSocket connector;
    listener.setPath(socketPath());
    connector.setPath(listener.path());
    QVERIFY(listener.listen());
    QVERIFY(connector.connect());
    QDeadlineTimer deadline(Timeout);
    while (!listener.isConnected() && !deadline.hasExpired()) {
        listener.poll();
        connector.poll();
    }
    QVERIFY(listener.isConnected());

    const QByteArray expected = pattern(11, 300 * 20);
    for (int i = 0; i < 300; ++i)
        connector.write(expected.mid(i * 20, 20));
    QByteArray received;
    while (received.size() < expected.size() && !deadline.hasExpired()) {
        connector.poll();
        listener.waitForReadyRead(50);
        received += listener.readAll();
    }
    QCOMPARE(received, expected);
    // On Windows the system's confirmation of the last write may still be
    // on its way: poll() takes it in.
    while (connector.bytesLeftToSend() > 0 && !deadline.hasExpired()) {
        connector.poll();
        QThread::msleep(1);
    }
    QCOMPARE(connector.bytesLeftToSend(), 0);
}

void tst_CollectedWrites::writesFromSlots()
{
    // The listener answers every arrival from dataAvailable() in three
    // writes; the connector writes the next request from bytesWritten().
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    constexpr qint64 Total = 200 * 1000;
    qint64 requested = 0;
    QByteArray echoed;
    connect(&pair.listener, &IPCSocket::dataAvailable, this, [&] {
        const QByteArray bytes = pair.listener.readAll();
        const qsizetype third = bytes.size() / 3;
        pair.listener.write(bytes.left(third));
        pair.listener.write(bytes.mid(third, third));
        pair.listener.write(bytes.mid(2 * third));
    });
    connect(&pair.connector, &IPCSocket::dataAvailable, this,
            [&] { echoed += pair.connector.readAll(); });
    const auto request = [&] {
        while (requested < Total && pair.connector.bytesLeftToSend() < 64 * 1024) {
            const qint64 n = qMin<qint64>(1000, Total - requested);
            pair.connector.write(pattern(requested, n));
            requested += n;
        }
    };
    connect(&pair.connector, &IPCSocket::bytesWritten, this, request);
    request();
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), Total, Timeout);
    QCOMPARE(echoed, pattern(0, Total));
}

void tst_CollectedWrites::bytesWrittenTotals()
{
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    qint64 reported = 0;
    qint64 received = 0;
    connect(&pair.connector, &IPCSocket::bytesWritten, this,
            [&](qint64 bytes) { reported += bytes; });
    connect(&pair.listener, &IPCSocket::dataAvailable, this,
            [&] { received += pair.listener.readAll().size(); });
    qint64 written = 0;
    // Passes of single writes, of bursts, and of writes larger than 64 KiB.
    for (int pass = 0; pass < 30; ++pass) {
        const int writes = pass % 3 == 0 ? 1 : 500;
        const qint64 size = pass % 5 == 4 ? 100 * 1024 : 1 + pass * 7;
        for (int i = 0; i < writes; ++i)
            written += pair.connector.write(pattern(written, size));
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, written, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(reported, written, Timeout);
    QCOMPARE(pair.connector.bytesLeftToSend(), 0);
}

void tst_CollectedWrites::largePayloadIsNotCopied()
{
    if (qEnvironmentVariable("IPCSOCKET_TRANSPORT") == QLatin1String("qlocalsocket"))
        QSKIP("QLocalSocket copies what it is given");
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    IPCMessageChannel sender(&pair.connector);
    IPCMessageChannel receiver(&pair.listener);
    QList<QByteArray> received;
    connect(&receiver, &IPCMessageChannel::binaryMessageReceived, this,
            [&](const QByteArray &message) { received.append(message); });
    // The system takes a few hundred KiB: the rest of each message waits in
    // the queue, by reference to the caller's QByteArray.
    QList<QByteArray> messages;
    for (int i = 0; i < 4; ++i) {
        messages.append(pattern(i * 1000, 4 * 1024 * 1024));
        QCOMPARE(sender.sendBinaryMessage(messages.last()), messages.last().size());
    }
    QVERIFY(pair.connector.bytesLeftToSend() > 0);
    QVERIFY(!messages.last().isDetached()); // shared with the queue, not copied
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), messages.size(), Timeout);
    QCOMPARE(received, messages);
}

void tst_CollectedWrites::messagesOfEverySizeInOneBurst()
{
    // Empty, small, around the copy limit, larger than 64 KiB: collected
    // in one pass, received whole and in order, text and binary.
    Pair pair;
    QVERIFY(pair.connect(socketPath()));
    IPCMessageChannel sender(&pair.connector);
    IPCMessageChannel receiver(&pair.listener);
    QList<QByteArray> received;
    connect(&receiver, &IPCMessageChannel::binaryMessageReceived, this,
            [&](const QByteArray &message) { received.append(message); });
    connect(&receiver, &IPCMessageChannel::textMessageReceived, this,
            [&](const QString &message) { received.append(message.toUtf8()); });
    QSignalSpy errors(&receiver, &IPCMessageChannel::error);
    const QList<qint64> sizes = {0, 1, 5, 4095, 4096, 4097, 65531, 65536, 70000, 300000};
    QList<QByteArray> sent;
    for (int round = 0; round < 3; ++round) {
        for (const qint64 size : sizes) {
            sent.append(pattern(size + round, size));
            QCOMPARE(sender.sendBinaryMessage(sent.last()), size);
            sent.append(QByteArray(size, 'a' + round));
            QCOMPARE(sender.sendTextMessage(QString::fromLatin1(sent.last())), size);
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), Timeout);
    QCOMPARE(received, sent);
    QCOMPARE(errors.size(), 0);
}

QTEST_MAIN(tst_CollectedWrites)
#include "tst_collectedwrites.moc"
