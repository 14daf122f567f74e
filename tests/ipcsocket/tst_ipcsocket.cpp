// SPDX-License-Identifier: BSD-3-Clause
#include "pattern.h"
#include "peerprocess.h"

#include <socketfile.h>
#include <testprogram.h>

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qcryptographichash.h>
#include <QtCore/qdatastream.h>
#include <QtCore/qdir.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#ifdef Q_OS_WIN
#include <QtCore/qt_windows.h>
#include <aclapi.h>
#include <sddl.h>
#endif
#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

constexpr int Timeout = 20000;
// For the transfers of tens of megabytes, on a slow (sanitizer) build.
constexpr int LongTimeout = 120000;

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// Why a test, or a row of one, does not run on Windows (docs/platforms.md).
[[maybe_unused]] constexpr char NoSocketFiles[]
        = "Windows has no socket files: a named pipe goes with its last handle, so nothing "
          "stale is left behind, and a file at the path is in no pipe's way";
[[maybe_unused]] constexpr char NoFileModes[]
        = "File modes and the umask are Unix's: pipeSecurityFollowsAccessMode checks the "
          "pipe's security descriptor on Windows";
[[maybe_unused]] constexpr char LockFileKept[]
        = "On Windows the listener holds its lock file open without sharing: nobody can "
          "remove it while the listener lives";
[[maybe_unused]] constexpr char NoStranger[]
        = "Under Wine every process runs as one user: there is no stranger to refuse or to "
          "name (a second user needs a real Windows)";
[[maybe_unused]] constexpr char NoDescriptorLimit[]
        = "Windows has no per-process descriptor limit to use up (setrlimit)";

} // namespace

class tst_IPCSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void defaults();
    void roundTripBothWays();
    void bothSidesGetConnected();
    void propertiesNotify();
    void handleFollowsState();

    void peerClosesAfterWriting();
    void closeGivesPeerLostConnection();
    void closeSendsWhatWasAccepted();
    void peerKilledMidStream();
    void writeToDeadPeerIsNotSigpipe();
    void nothingLeftToSendAfterLoss();
    void closeFindsPeerGone();
    void failedWriteKeepsWhatArrived();

    void staleFileDoesNotBlockListen();
    void liveListenerIsNotStolen();
    void listenCheckIsNotAPeer();
    void foreignConnectionIsAPeerThatLeft();
    void peerIsAnnouncedWithoutWaiting();
    void listenRaceHasOneWinner();
    void killedListenerDoesNotBlock();
    void lockFileBesideTheSocket();
    void lockFileInTheWay();
    void listenerRemovesItsFile();
    void pathIsFreeWhenThePeerIsAnnounced();
    void listenerKeepsNewerListenersFile();
    void accessMode_data();
    void accessMode();

    void nothingListening_data();
    void nothingListening();
    void invalidState();
    void fileInTheWay();
    void invalidPath_data();
    void invalidPath();
    void permissionDenied();
    void outOfDescriptors();
    void peerIdentity();
    void peerIdentityOfAnotherUser();
    void userOnlyRefusesOtherUsers();
    void connectTimeoutWaitsForListener_data();
    void connectTimeoutWaitsForListener();
    void connectTimeoutRunsOut();
    void connectTimeoutCancelledByClose();
    void connectTimeoutWithPoll();
    void openIsRefused();

    void lookaheadDoesNotConsume();
    void endOfFile();
    void readFewerBytesThanAsked();
    void readsOfEverySizeKeepTheOrder();
    void bytesArrivingDuringReadAreAnnounced();
    void textNeverSplitsCharacters();
    void textOverloads();
    void unknownEncodingIsAnError();
    void dataStream();

    void bytesWrittenReported();
    void bytesWrittenWhenSlotFlushes();
    void deleteInsideSlots();
    void receiversComeAndGo();
    void receiversInOtherThreads();

    void pollWithoutEventLoop();
    void pollWhileBytesLeftToSend();
    void reuseAfterClose();
    void relativePathIsRelativeToCurrentDirectory();
    void largeTransferBetweenProcesses();
    void connectionsAfterLongSilence();
    void plainClient();

    // Where Windows differs by nature (named pipes, users as SIDs).
    void peerProcessIdInOneProcess();
    void busyPipeIsNotWaitedFor();
    void userOnlyAdmitsItsOwnUser();
    void pipeSecurityFollowsAccessMode();

    // 32-bit platforms (armhf): counts that qsizetype cannot hold.
    void countsLargerThanQsizetype();

private:
    QString socketPath(const QString &name = QStringLiteral("s.sock")) const
    {
        return m_dir->filePath(name);
    }
    // Listens on a and connects b to it, both connected() delivered; false
    // (with a warning that says which step failed) otherwise, so that the
    // caller's QVERIFY fails where the set-up did.
    [[nodiscard]] bool connectPair(IPCSocket &a, IPCSocket &b);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_IPCSocket::init()
{
    // Short, so that socket paths stay far below the 103-byte limit.
    m_dir = std::make_unique<QTemporaryDir>(
            SocketFile::temporaryFolderTemplate(QStringLiteral("ipc")));
    QVERIFY(m_dir->isValid());
}

bool tst_IPCSocket::connectPair(IPCSocket &a, IPCSocket &b)
{
    QSignalSpy aConnected(&a, &IPCSocket::connected);
    QSignalSpy bConnected(&b, &IPCSocket::connected);
    a.setPath(socketPath());
    b.setPath(socketPath());
    if (!a.listen()) {
        qWarning("connectPair: listen() failed: %d %s", a.lastErrorCode(),
                 qPrintable(a.errorString()));
        return false;
    }
    if (!b.connect()) {
        qWarning("connectPair: connect() failed: %d %s", b.lastErrorCode(),
                 qPrintable(b.errorString()));
        return false;
    }
    if (!QTest::qWaitFor([&] { return aConnected.size() == 1 && bConnected.size() == 1; },
                         Timeout)) {
        qWarning("connectPair: connected() %lld times on the listening side, %lld on the "
                 "connecting side, within %d ms",
                 qlonglong(aConnected.size()), qlonglong(bConnected.size()), Timeout);
        return false;
    }
    return true;
}

void tst_IPCSocket::defaults()
{
    IPCSocket socket;
    QCOMPARE(socket.path(), QString());
    QCOMPARE(socket.accessMode(), IPCSocket::UserOnly);
    QCOMPARE(socket.bytesAvailable(), 0);
    QCOMPARE(socket.bytesLeftToSend(), 0);
    QCOMPARE(socket.handle(), qintptr(-1));
    QVERIFY(!socket.isConnected());
    QVERIFY(!socket.isListening());
    QCOMPARE(socket.lastErrorCode(), 0);
    QVERIFY(socket.isSequential());
    QVERIFY(!socket.isOpen());
    QVERIFY(socket.endOfFile());
}

void tst_IPCSocket::roundTripBothWays()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    QSignalSpy aData(&a, &IPCSocket::dataAvailable);
    QSignalSpy bData(&b, &IPCSocket::dataAvailable);
    QSignalSpy bReadyRead(&b, &IPCSocket::readyRead);

    QCOMPARE(a.write(QByteArray("ping")), 4);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 4, Timeout);
    QVERIFY(bData.size() >= 1);
    QVERIFY(bReadyRead.size() >= 1);
    QCOMPARE(b.readAll(), QByteArray("ping"));

    QCOMPARE(b.write(QByteArray("pong!")), 5);
    QTRY_COMPARE_WITH_TIMEOUT(a.bytesAvailable(), 5, Timeout);
    QVERIFY(aData.size() >= 1);
    QCOMPARE(a.readAll(), QByteArray("pong!"));
    QCOMPARE(a.lastErrorCode(), 0);
    QCOMPARE(b.lastErrorCode(), 0);

    // And across processes, through a peer that echoes.
    IPCSocket c;
    c.setPath(socketPath(QStringLiteral("echo.sock")));
    QSignalSpy cConnected(&c, &IPCSocket::connected);
    QVERIFY(c.listen());
    Peer echo({QStringLiteral("connect"), c.path(), QStringLiteral("echo")});
    QTRY_COMPARE_WITH_TIMEOUT(cConnected.size(), 1, Timeout);
    const QByteArray message = pattern(0, 100000);
    QCOMPARE(c.write(message), message.size());
    QByteArray echoed;
    QTRY_VERIFY_WITH_TIMEOUT((echoed += c.readAll()).size() == message.size(), Timeout);
    QCOMPARE(echoed, message);
}

void tst_IPCSocket::bothSidesGetConnected()
{
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy listenerConnected(&listener, &IPCSocket::connected);
    QVERIFY(listener.listen());
    QVERIFY(listener.isListening());
    QVERIFY(!listener.isConnected());

    // The listening side's peer is another process...
    Peer peer({QStringLiteral("connect"), listener.path(), QStringLiteral("sink")});
    QCOMPARE(peer.waitForLine("connected"), QByteArray("connected"));
    QTRY_COMPARE_WITH_TIMEOUT(listenerConnected.size(), 1, Timeout);
    QVERIFY(listener.isConnected());
    QVERIFY(!listener.isListening());

    // ...and so is the connecting side's.
    IPCSocket connector;
    connector.setPath(socketPath(QStringLiteral("other.sock")));
    Peer other({QStringLiteral("listen"), connector.path(), QStringLiteral("sink")});
    QCOMPARE(other.waitForLine("listening"), QByteArray("listening"));
    QSignalSpy connectorConnected(&connector, &IPCSocket::connected);
    QVERIFY(connector.connect());
    QCOMPARE(connectorConnected.size(), 0); // delivered by the event loop, not inside connect()
    QTRY_COMPARE_WITH_TIMEOUT(connectorConnected.size(), 1, Timeout);
    QCOMPARE(other.waitForLine("connected"), QByteArray("connected"));
}

void tst_IPCSocket::propertiesNotify()
{
    IPCSocket a, b;
    QSignalSpy pathChanged(&a, &IPCSocket::pathChanged);
    QSignalSpy accessModeChanged(&a, &IPCSocket::accessModeChanged);
    QSignalSpy listeningChanged(&a, &IPCSocket::isListeningChanged);
    QSignalSpy connectedChanged(&a, &IPCSocket::isConnectedChanged);
    QSignalSpy availableChanged(&a, &IPCSocket::bytesAvailableChanged);
    QSignalSpy leftToSendChanged(&b, &IPCSocket::bytesLeftToSendChanged);
    QSignalSpy errorChanged(&b, &IPCSocket::lastErrorCodeChanged);

    a.setPath(socketPath());
    a.setPath(socketPath());
    QCOMPARE(pathChanged.size(), 1);
    QCOMPARE(pathChanged.at(0).at(0).toString(), socketPath());
    a.setAccessMode(IPCSocket::GroupAccess);
    QCOMPARE(accessModeChanged.size(), 1);
    a.setAccessMode(IPCSocket::UserOnly);

    QVERIFY(a.listen());
    QCOMPARE(listeningChanged.size(), 1);
    b.setPath(a.path());
    QVERIFY(b.connect());
    QTRY_COMPARE_WITH_TIMEOUT(connectedChanged.size(), 1, Timeout);
    QCOMPARE(connectedChanged.at(0).at(0).toBool(), true);
    QCOMPARE(listeningChanged.size(), 2);
    QCOMPARE(listeningChanged.at(1).at(0).toBool(), false);

    // Notified when the queue grows past what the system takes at once, and
    // when it has drained.
    b.write(pattern(0, 8 * 1024 * 1024));
    QVERIFY(leftToSendChanged.size() >= 1);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesLeftToSend(), 0, Timeout);
    QVERIFY(leftToSendChanged.size() >= 2);
    QTRY_COMPARE_WITH_TIMEOUT(a.bytesAvailable(), 8 * 1024 * 1024, Timeout);
    QVERIFY(availableChanged.size() >= 1);
    a.readAll();
    b.write(QByteArray("x"));
    QTRY_COMPARE_WITH_TIMEOUT(a.bytesAvailable(), 1, Timeout);
    availableChanged.clear();
    a.readAll();
    QVERIFY(availableChanged.size() >= 1);

    b.write(QByteArray("y"));
    b.close();
    b.write(QByteArray("z"));
    QCOMPARE(b.lastErrorCode(), int(IPCSocket::InvalidStateError));
    QCOMPARE(errorChanged.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(connectedChanged.size(), 2, Timeout);
    QCOMPARE(connectedChanged.at(1).at(0).toBool(), false);
}

void tst_IPCSocket::handleFollowsState()
{
    IPCSocket a, b;
    QSignalSpy handleChanged(&a, &IPCSocket::handleChanged);
    a.setPath(socketPath());
    QVERIFY(a.listen());
    const qintptr listening = a.handle();
    QVERIFY(listening >= 0);
    QCOMPARE(handleChanged.size(), 1);
    b.setPath(a.path());
    QVERIFY(b.connect());
    QVERIFY(b.handle() >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(a.isConnected(), Timeout);
    QVERIFY(a.handle() >= 0);
    QCOMPARE(handleChanged.size(), 2);
    // The descriptor is the real one: the system knows it as a socket (a
    // pipe on Windows).
    QVERIFY(SocketFile::isConnectionHandle(a.handle()));
    a.close();
    QCOMPARE(a.handle(), qintptr(-1));
    QCOMPARE(handleChanged.size(), 3);
}

void tst_IPCSocket::peerClosesAfterWriting()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    const qint64 size = 3 * 1024 * 1024 + 17;

    // The events in order: each dataAvailable() with what was there, then 102.
    QList<QByteArray> events;
    QByteArray received;
    QObject::connect(&socket, &IPCSocket::dataAvailable, this, [&] {
        events.append("data");
        received += socket.read(socket.bytesAvailable() / 2 + 1); // leave some unread
    });
    QObject::connect(&socket, &IPCSocket::error, this, [&](int code, const QString &message) {
        events.append("error " + QByteArray::number(code));
        QVERIFY2(message.contains(socket.path()), qPrintable(message));
    });

    Peer peer({QStringLiteral("connect"), socket.path(), QStringLiteral("stream"),
               QString::number(size)});
    const QByteArray sent = peer.waitForLine("sent ");
    QTRY_VERIFY_WITH_TIMEOUT(events.contains("error 102"), Timeout);
    QCOMPARE(events.last(), QByteArray("error 102"));
    QCOMPARE(events.count("error 102"), 1);
    QVERIFY(!socket.isConnected());

    // Every byte stayed readable after the error.
    QVERIFY(socket.bytesAvailable() > 0);
    QVERIFY(!socket.endOfFile());
    received += socket.readAll();
    QVERIFY(socket.endOfFile());
    QCOMPARE(received.size(), size);
    QCOMPARE(sent, "sent " + QByteArray::number(size) + ' ' + sha256(received));
}

void tst_IPCSocket::closeGivesPeerLostConnection()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    QSignalSpy aErrors(&a, &IPCSocket::error);
    QSignalSpy bErrors(&b, &IPCSocket::error);
    QVERIFY(a.write(QByteArray("last words")) > 0);
    a.close();
    QTRY_COMPARE_WITH_TIMEOUT(bErrors.size(), 1, Timeout);
    QCOMPARE(bErrors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QVERIFY(bErrors.at(0).at(1).toString().contains(b.path()));
    QCOMPARE(b.readAll(), QByteArray("last words"));
    QCOMPARE(aErrors.size(), 0); // the side that closes gets no error
    QVERIFY(!a.isOpen());
    QVERIFY(!b.isConnected());

    // The write that would find the peer gone is now refused: 106.
    QCOMPARE(b.write(QByteArray("anyone?")), -1);
    QCOMPARE(bErrors.size(), 2);
    QCOMPARE(bErrors.at(1).at(0).toInt(), int(IPCSocket::InvalidStateError));
}

void tst_IPCSocket::closeSendsWhatWasAccepted()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer sink({QStringLiteral("connect"), socket.path(), QStringLiteral("sink")});
    QTRY_VERIFY_WITH_TIMEOUT(socket.isConnected(), Timeout);

    // Far more than the system buffers: most of it is still queued here.
    const QByteArray block = pattern(0, 16 * 1024 * 1024);
    QCOMPARE(socket.write(block), block.size());
    QVERIFY(socket.bytesLeftToSend() > 0);
    QSignalSpy errors(&socket, &IPCSocket::error);
    socket.close();
    QCOMPARE(socket.bytesLeftToSend(), 0);
    QCOMPARE(sink.waitForLine("received"),
             "received " + QByteArray::number(block.size()) + ' ' + sha256(block));
    QCOMPARE(errors.size(), 0);
}

void tst_IPCSocket::peerKilledMidStream()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer flood({QStringLiteral("connect"), socket.path(), QStringLiteral("flood")});
    qint64 received = 0;
    QObject::connect(&socket, &IPCSocket::dataAvailable, this,
                     [&] { received += socket.readAll().size(); });
    QSignalSpy errors(&socket, &IPCSocket::error);
    QTRY_VERIFY_WITH_TIMEOUT(received > 1024 * 1024, Timeout);
    flood.kill();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    received += socket.readAll().size();
    QVERIFY(!socket.isConnected());
    // Once only.
    QTest::qWait(100);
    QCOMPARE(errors.size(), 1);
}

void tst_IPCSocket::writeToDeadPeerIsNotSigpipe()
{
    // Qt Test would report a SIGPIPE as a crash of this test.
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer sink({QStringLiteral("connect"), socket.path(), QStringLiteral("sink")});
    QTRY_VERIFY_WITH_TIMEOUT(socket.isConnected(), Timeout);
    sink.kill();
    QVERIFY(sink.waitForFinished(Timeout));

    QSignalSpy errors(&socket, &IPCSocket::error);
    const QByteArray block = pattern(0, 256 * 1024);
    QElapsedTimer timer;
    timer.start();
    while (socket.isConnected() && timer.elapsed() < Timeout) {
        socket.write(block);
        socket.flush();
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QCOMPARE(socket.write(block), -1);
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(1).at(0).toInt(), int(IPCSocket::InvalidStateError));
}

void tst_IPCSocket::nothingLeftToSendAfterLoss()
{
    // Found by ipcsocket-stress faults: bytes still queued when the
    // connection was lost stayed counted in bytesLeftToSend() past the 102,
    // so a writer waiting for it to drain waited forever.
    for (const bool queuedBeforeLoss : {true, false}) {
        IPCSocket a, b;
        QVERIFY(connectPair(a, b));
        QSignalSpy errors(&a, &IPCSocket::error);
        const QByteArray block = pattern(0, 16 * 1024 * 1024);
        if (queuedBeforeLoss) {
            // Far more than the system takes while b does not read.
            QCOMPARE(a.write(block), block.size());
            QVERIFY(a.bytesLeftToSend() > 0);
            b.close();
        } else {
            b.close();
            QCOMPARE(a.write(block), block.size()); // the write that finds b gone
        }
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
        QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
        QCOMPARE(a.bytesLeftToSend(), 0);
    }
}

void tst_IPCSocket::closeFindsPeerGone()
{
    // Found by ipcsocket-stress fuzz on the QLocalSocket transport: a
    // close() whose last flush() found the peer gone crashed there.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    b.close();
    QSignalSpy errors(&a, &IPCSocket::error);
    QCOMPARE(a.write(QByteArray("too late")), 8); // queued until the flush in close()
    a.close();
    QVERIFY(!a.isOpen());
    QCOMPARE(a.bytesLeftToSend(), 0);
    QTest::qWait(50);
    QCOMPARE(errors.size(), 0); // the side that closes gets no error
}

void tst_IPCSocket::failedWriteKeepsWhatArrived()
{
    // Found by ipcsocket-stress faults on the QLocalSocket transport: the
    // peer's last bytes, still in the system when a write to the gone peer
    // failed, were lost with the connection, and only 102 came.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    QCOMPARE(b.write(QByteArray("last words")), 10);
    b.close();
    QSignalSpy errors(&a, &IPCSocket::error);
    a.write(pattern(0, 1024 * 1024));
    a.flush(); // finds b gone before a has read anything
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QCOMPARE(a.readAll(), QByteArray("last words"));
}

void tst_IPCSocket::staleFileDoesNotBlockListen()
{
#ifdef Q_OS_WIN
    QSKIP(NoSocketFiles);
#endif
    QVERIFY(SocketFile::makeStale(socketPath()));
#if !defined(Q_OS_LINUX) && !defined(Q_OS_WIN)
    // macOS and the BSDs refuse a full queue as they refuse a stale file:
    // only the lock file a killed listener of ours leaves tells it stale
    // there (tests/bsdanswers).
    QFile lock(socketPath() + QStringLiteral(".lock"));
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.close();
#endif
    IPCSocket socket;
    socket.setPath(socketPath());
    QSignalSpy errors(&socket, &IPCSocket::error);
    QVERIFY(socket.listen());
    QCOMPARE(errors.size(), 0);

    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(socket.isConnected(), Timeout);
}

void tst_IPCSocket::liveListenerIsNotStolen()
{
    // The live listener is another process.
    Peer live({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QCOMPARE(live.waitForLine("listening"), QByteArray("listening"));

    IPCSocket thief;
    thief.setPath(socketPath());
    QSignalSpy errors(&thief, &IPCSocket::error);
    QVERIFY(!thief.listen());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::AddressInUseError));
    QVERIFY(errors.at(0).at(1).toString().contains(socketPath()));
    QCOMPARE(thief.lastErrorCode(), int(IPCSocket::AddressInUseError));
    QVERIFY(!thief.isListening());
    QVERIFY(SocketFile::exists(socketPath()));

    // The live listener still works: its real peer gets through.
    QTest::qWait(100); // let the probe's short visit pass
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QCOMPARE(live.waitForLine("connected"), QByteArray("connected"));
    client.write(QByteArray("still there?"));
    QTRY_COMPARE_WITH_TIMEOUT(client.bytesAvailable(), 12, Timeout);
    QCOMPARE(client.readAll(), QByteArray("still there?"));
}

void tst_IPCSocket::listenCheckIsNotAPeer()
{
    // Another IPCSocket finding the path in use never reaches the listener:
    // it tells liveness from the lock, without connecting.
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy connected(&listener, &IPCSocket::connected);
    QVERIFY(listener.listen());
    for (int i = 0; i < 200; ++i) {
        IPCSocket thief;
        thief.setPath(socketPath());
        QVERIFY(!thief.listen());
        QCOMPARE(thief.lastErrorCode(), int(IPCSocket::AddressInUseError));
    }
    QTest::qWait(50); // a connection would be announced by now
    QCOMPARE(connected.size(), 0);
    QVERIFY(listener.isListening());

    IPCSocket peer;
    peer.setPath(socketPath());
    QVERIFY(peer.connect());
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
}

void tst_IPCSocket::foreignConnectionIsAPeerThatLeft()
{
    // A program that connects and closes at once is a peer: connected(),
    // then 102; the listener has taken its one peer.
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy connected(&listener, &IPCSocket::connected);
    QSignalSpy errors(&listener, &IPCSocket::error);
    QVERIFY(listener.listen());
    QVERIFY(SocketFile::connectAndLeave(socketPath()));
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(connected.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QVERIFY(!listener.isListening());
}

void tst_IPCSocket::peerIsAnnouncedWithoutWaiting()
{
    // The listener speaks first: its connected() comes from the accept,
    // not from the peer's first byte or a grace timer. With poll() alone
    // (no event loop, no timers) it comes in the first poll() that finds
    // the connection, and its greeting reaches the silent peer.
    IPCSocket listener, peer;
    listener.setPath(socketPath());
    peer.setPath(socketPath());
    QObject::connect(&listener, &IPCSocket::connected, this,
                     [&] { listener.write(QByteArray("hello")); });
    QVERIFY(listener.listen());
    QVERIFY(peer.connect());
    listener.poll();
    QVERIFY(listener.isConnected());
    for (int i = 0; i < 5000 && peer.bytesAvailable() < 5; ++i) {
        peer.poll();
        QThread::usleep(200);
    }
    QCOMPARE(peer.readAll(), QByteArray("hello"));
}

void tst_IPCSocket::listenRaceHasOneWinner()
{
    // Two processes listen() on one path at the same moment, round after
    // round (each first closes what it won before): exactly one wins.
#ifdef Q_OS_WIN
    // Under Wine every round goes through its server several times over:
    // fewer rounds, so that the Windows stage stays within its minutes.
    constexpr int Rounds = 200;
#else
    constexpr int Rounds = 5000;
#endif
    QProcess racers[2];
    for (QProcess &racer : racers) {
        racer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        startTestProgram(racer, QStringLiteral(IPCSOCKET_PEER),
                         {QStringLiteral("listen"), socketPath(), QStringLiteral("race")});
        QVERIFY(racer.waitForStarted(Timeout));
    }
    // The answer of a round; the error() lines that come with a loss are
    // the peer's running commentary.
    const auto answer = [](QProcess &racer) {
        for (;;) {
            while (!racer.canReadLine()) {
                if (!racer.waitForReadyRead(Timeout))
                    return QByteArray("no answer");
            }
            const QByteArray line = racer.readLine().trimmed();
            if (!line.startsWith("error "))
                return line;
        }
    };
    for (int round = 0; round < Rounds; ++round) {
        racers[0].write("\n");
        racers[1].write("\n");
        QVERIFY(racers[0].waitForBytesWritten(Timeout) && racers[1].waitForBytesWritten(Timeout));
        const QByteArray first = answer(racers[0]);
        const QByteArray second = answer(racers[1]);
        const int winners = int(first == "won") + int(second == "won");
        if (winners != 1 || (first != "won" && first != "lost 105")
            || (second != "won" && second != "lost 105"))
            QFAIL(qPrintable(QStringLiteral("round %1: %2 / %3")
                                     .arg(round)
                                     .arg(QString::fromUtf8(first), QString::fromUtf8(second))));
    }
    for (QProcess &racer : racers) {
        racer.closeWriteChannel();
        QVERIFY(racer.waitForFinished(Timeout));
    }
    // The last winner removed its files on the way out.
    QVERIFY(!SocketFile::exists(socketPath()));
    QVERIFY(!QFileInfo::exists(socketPath() + QStringLiteral(".lock")));
}

void tst_IPCSocket::killedListenerDoesNotBlock()
{
    // SIGKILL leaves the socket file and the lock file behind; the kernel
    // dropped the lock, so the next listener takes the path.
    for (int i = 0; i < 3; ++i) {
        Peer doomed({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
        QCOMPARE(doomed.waitForLine("listening"), QByteArray("listening"));
        doomed.kill();
        QVERIFY(doomed.waitForFinished(Timeout));
#ifdef Q_OS_UNIX
        // Left behind (on Windows the pipe went with the process).
        QVERIFY(QFileInfo::exists(socketPath()));
        QVERIFY(QFileInfo::exists(socketPath() + QStringLiteral(".lock")));
#endif
    }
    IPCSocket next;
    next.setPath(socketPath());
    QSignalSpy errors(&next, &IPCSocket::error);
    QVERIFY(next.listen());
    QCOMPARE(errors.size(), 0);
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(next.isConnected(), Timeout);
}

void tst_IPCSocket::lockFileBesideTheSocket()
{
#ifdef Q_OS_WIN
    // The lock file is there while the listener listens, and goes with it
    // (deleted on close, by the system also when the process dies).
    const QString lock = socketPath() + QStringLiteral(".lock");
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
    QVERIFY(QFileInfo::exists(lock));
    QFile other(lock);
    QVERIFY(!other.open(QIODevice::ReadOnly)); // opened without sharing
    listener.close();
    QVERIFY(!QFileInfo::exists(lock));
    {
        Peer doomed({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
        QCOMPARE(doomed.waitForLine("listening"), QByteArray("listening"));
        QVERIFY(QFileInfo::exists(lock));
        doomed.kill();
        QVERIFY(doomed.waitForFinished(Timeout));
    }
    QVERIFY(!QFileInfo::exists(lock));
#else
    // The lock file has the socket file's permissions, whatever the umask,
    // and goes when the listener stops.
    const QByteArray lock = QFile::encodeName(socketPath() + QStringLiteral(".lock"));
    const mode_t old = ::umask(0);
    const auto restore = qScopeGuard([old] { ::umask(old); });
    for (const auto &[mode, permissions] :
         {std::pair{IPCSocket::UserOnly, 0600}, std::pair{IPCSocket::WorldAccess, 0666}}) {
        IPCSocket listener;
        listener.setPath(socketPath());
        listener.setAccessMode(mode);
        QVERIFY(listener.listen());
        struct stat st;
        QCOMPARE(::lstat(lock.constData(), &st), 0);
        QVERIFY(S_ISREG(st.st_mode));
        QCOMPARE(int(st.st_mode & 0777), permissions);
        listener.close();
        QCOMPARE(::lstat(lock.constData(), &st), -1);
    }
#endif
}

void tst_IPCSocket::lockFileInTheWay()
{
    // A folder, or a link, where the lock goes: 107 naming it, and nothing
    // touched (a link is not followed). On Windows QFile::link() makes a
    // shortcut, which is a plain file: the folder alone.
    const QString lock = socketPath() + QStringLiteral(".lock");
    const QString target = socketPath(QStringLiteral("elsewhere"));
    for (const bool link : {false, true}) {
#ifdef Q_OS_WIN
        if (link)
            continue; // QFile::link() makes a shortcut there: a file like any other
#endif
        QVERIFY(link ? QFile::link(target, lock) : QDir().mkdir(lock));
        IPCSocket listener;
        listener.setPath(socketPath());
        QSignalSpy errors(&listener, &IPCSocket::error);
        QVERIFY(!listener.listen());
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidPathError));
        const QString message = errors.at(0).at(1).toString();
        QVERIFY2(message.contains(socketPath()) && message.contains(lock), qPrintable(message));
        QVERIFY(!listener.isListening());
        QVERIFY(!QFileInfo::exists(socketPath()));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(link ? QFileInfo(lock).isSymLink() : QFileInfo(lock).isDir());
        QVERIFY(link ? QFile::remove(lock) : QDir().rmdir(lock));
    }
}

void tst_IPCSocket::listenerRemovesItsFile()
{
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
    QVERIFY(SocketFile::exists(socketPath()));
    listener.close();
    QVERIFY(!SocketFile::exists(socketPath()));
    QVERIFY(!listener.isListening());

    // Also once its one peer has arrived: later connections find nobody.
    QVERIFY(listener.listen());
    IPCSocket peer;
    peer.setPath(socketPath());
    QVERIFY(peer.connect());
    QTRY_VERIFY_WITH_TIMEOUT(listener.isConnected(), Timeout);
    QVERIFY(!SocketFile::exists(socketPath()));
    IPCSocket late;
    late.setPath(socketPath());
    QSignalSpy errors(&late, &IPCSocket::error);
    QVERIFY(!late.connect());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::NameResolutionError));
}

void tst_IPCSocket::pathIsFreeWhenThePeerIsAnnounced()
{
    // The one peer ends the listening before connected(): there the files
    // are gone and another listener takes the path at once (Xojo's way to
    // serve the next peer). When the connection ends, no descriptor of the
    // old lock is left open. Later another process takes the path, and the
    // first socket's close() leaves that listener's files alone.
    const QString lock = socketPath() + QStringLiteral(".lock");
    const auto lockDescriptors = [&] {
        QStringList open;
#ifdef Q_OS_LINUX
        const QDir descriptors(QStringLiteral("/proc/self/fd"));
        for (const QString &name : descriptors.entryList(QDir::Files | QDir::System)) {
            const QString target = QFile::symLinkTarget(descriptors.filePath(name));
            if (target.startsWith(lock))
                open.append(target);
        }
#endif
        return open;
    };
    IPCSocket first, next, client;
    for (IPCSocket *socket : {&first, &next, &client})
        socket->setPath(socketPath());
    bool filesGone = false;
    bool nextListens = false;
    QObject::connect(&first, &IPCSocket::connected, this, [&] {
        filesGone = !SocketFile::exists(socketPath()) && !QFileInfo::exists(lock);
        nextListens = next.listen();
    });
    QVERIFY(first.listen());
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(first.isConnected(), Timeout);
    QVERIFY(filesGone);
    QVERIFY(nextListens);
    QVERIFY(next.isListening());
    next.close();
    // Without a listen() inside connected(), and ended by the peer (102).
    QVERIFY(next.listen());
    IPCSocket nextClient;
    nextClient.setPath(socketPath());
    QVERIFY(nextClient.connect());
    QTRY_VERIFY_WITH_TIMEOUT(next.isConnected(), Timeout);
    QSignalSpy nextErrors(&next, &IPCSocket::error);
    nextClient.close();
    QTRY_COMPARE_WITH_TIMEOUT(nextErrors.size(), 1, Timeout);
    QCOMPARE(nextErrors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
#ifdef Q_OS_LINUX
    QCOMPARE(lockDescriptors().size(), 1); // first's, still connected
#endif

    Peer other({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QCOMPARE(other.waitForLine("listening"), QByteArray("listening"));
    first.close();
    QCOMPARE(lockDescriptors(), QStringList());
    QVERIFY(SocketFile::exists(socketPath()));
    QVERIFY(QFileInfo::exists(lock));
    IPCSocket late;
    late.setPath(socketPath());
    QVERIFY(late.connect());
    late.write(QByteArray("still there"));
    QTRY_COMPARE_WITH_TIMEOUT(late.bytesAvailable(), 11, Timeout);
}

void tst_IPCSocket::listenerKeepsNewerListenersFile()
{
#ifdef Q_OS_WIN
    QSKIP(LockFileKept);
#endif
    IPCSocket first;
    first.setPath(socketPath());
    QVERIFY(first.listen());
    // Someone removes the files and a newer listener takes the path.
    QVERIFY(QFile::remove(socketPath()));
    QVERIFY(QFile::remove(socketPath() + QStringLiteral(".lock")));
    IPCSocket second;
    second.setPath(socketPath());
    QVERIFY(second.listen());

    first.close();
    QVERIFY(QFileInfo::exists(socketPath()));
    QVERIFY(QFileInfo::exists(socketPath() + QStringLiteral(".lock")));
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(second.isConnected(), Timeout);
}

void tst_IPCSocket::accessMode_data()
{
    QTest::addColumn<IPCSocket::AccessMode>("mode");
    QTest::addColumn<int>("permissions");
    QTest::newRow("UserOnly") << IPCSocket::UserOnly << 0600;
    QTest::newRow("GroupAccess") << IPCSocket::GroupAccess << 0660;
    QTest::newRow("WorldAccess") << IPCSocket::WorldAccess << 0666;
}

void tst_IPCSocket::accessMode()
{
#ifdef Q_OS_WIN
    QSKIP(NoFileModes);
#else
    QFETCH(IPCSocket::AccessMode, mode);
    QFETCH(int, permissions);
    // A permissive umask must not widen UserOnly, a strict one not narrow
    // WorldAccess.
    for (const mode_t mask : {mode_t(0), mode_t(077)}) {
        const mode_t old = ::umask(mask);
        const auto restore = qScopeGuard([old] { ::umask(old); });
        IPCSocket listener;
        listener.setPath(socketPath());
        listener.setAccessMode(mode);
        QVERIFY(listener.listen());
        struct stat st;
        QCOMPARE(::lstat(QFile::encodeName(socketPath()).constData(), &st), 0);
        QVERIFY(S_ISSOCK(st.st_mode));
        QCOMPARE(int(st.st_mode & 0777), permissions);
    }
#endif
}

void tst_IPCSocket::nothingListening_data()
{
    QTest::addColumn<bool>("stale");
    QTest::newRow("no file") << false;
    QTest::newRow("stale file") << true;
}

void tst_IPCSocket::nothingListening()
{
    QFETCH(bool, stale);
    if (stale) {
#ifdef Q_OS_WIN
        QSKIP(NoSocketFiles);
#endif
        QVERIFY(SocketFile::makeStale(socketPath()));
    }
    IPCSocket socket;
    socket.setPath(socketPath());
    QSignalSpy errors(&socket, &IPCSocket::error);
    QVERIFY(!socket.connect());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::NameResolutionError));
    QVERIFY(errors.at(0).at(1).toString().contains(socketPath()));
    QCOMPARE(socket.errorString(), errors.at(0).at(1).toString());
    QVERIFY(!socket.isConnected());
    QVERIFY(!socket.isOpen());
}

void tst_IPCSocket::invalidState()
{
    IPCSocket a, b;
    QSignalSpy aErrors(&a, &IPCSocket::error);
    a.setPath(socketPath());

    // Not connected: write() says so and returns -1, through every overload.
    QCOMPARE(a.write(QByteArray("x")), -1);
    QCOMPARE(a.write("x", 1), -1);
    QCOMPARE(a.write("x"), -1);
    QCOMPARE(a.write(QStringLiteral("x")), -1);
    QCOMPARE(aErrors.size(), 4);
    for (const QList<QVariant> &error : std::as_const(aErrors))
        QCOMPARE(error.at(0).toInt(), int(IPCSocket::InvalidStateError));
    QVERIFY(aErrors.at(0).at(1).toString().contains(socketPath()));

    // Listening: no second listen() or connect().
    QVERIFY(a.listen());
    aErrors.clear();
    QVERIFY(!a.listen());
    QVERIFY(!a.connect());
    QCOMPARE(aErrors.size(), 2);
    QCOMPARE(aErrors.at(0).at(0).toInt(), int(IPCSocket::InvalidStateError));
    QCOMPARE(aErrors.at(1).at(0).toInt(), int(IPCSocket::InvalidStateError));
    QVERIFY(a.isListening()); // and it still listens

    // Connected: neither.
    b.setPath(socketPath());
    QVERIFY(b.connect());
    QTRY_VERIFY_WITH_TIMEOUT(a.isConnected(), Timeout);
    QSignalSpy bErrors(&b, &IPCSocket::error);
    QVERIFY(!b.connect());
    QVERIFY(!b.listen());
    QCOMPARE(bErrors.size(), 2);
    QCOMPARE(bErrors.at(1).at(0).toInt(), int(IPCSocket::InvalidStateError));
    QVERIFY(b.isConnected());

    // Unread bytes of a lost connection are not dropped by a new start.
    a.write(QByteArray("unread"));
    a.close();
    QTRY_VERIFY_WITH_TIMEOUT(!b.isConnected(), Timeout);
    bErrors.clear();
    QVERIFY(!b.listen());
    QCOMPARE(bErrors.size(), 1);
    QCOMPARE(bErrors.at(0).at(0).toInt(), int(IPCSocket::InvalidStateError));
    QCOMPARE(b.readAll(), QByteArray("unread"));
    QVERIFY(b.listen());
}

void tst_IPCSocket::fileInTheWay()
{
    // A regular file at the path is never removed: listen() gives 107 and
    // connect() finds nobody there (103). On Windows the pipe lives apart
    // from the file system: the file is in no listener's way, and still
    // never touched.
    QFile file(socketPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("precious");
    file.close();
    IPCSocket socket;
    socket.setPath(socketPath());
    QSignalSpy errors(&socket, &IPCSocket::error);
#ifdef Q_OS_WIN
    QVERIFY(!socket.connect());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::NameResolutionError));
    QVERIFY(socket.listen());
    socket.close();
#else
    QVERIFY(!socket.listen());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidPathError));
    QVERIFY2(errors.at(0).at(1).toString().contains(QStringLiteral("not a socket")),
             qPrintable(errors.at(0).at(1).toString()));
    QVERIFY(!socket.connect());
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(1).at(0).toInt(), int(IPCSocket::NameResolutionError));
#endif
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("precious"));
}

void tst_IPCSocket::invalidPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("cause");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("104 bytes") << QStringLiteral("/tmp/") + QString(99, u'x')
                               << QStringLiteral("104 bytes");
    QTest::newRow("104 bytes of UTF-8")
            << QStringLiteral("/tmp/") + QString(33, u'€') << QStringLiteral("104 bytes");
    QTest::newRow("missing folder")
            << QStringLiteral("/tmp/no-such-folder-ipc/s.sock") << QStringLiteral("does not exist");
    QTest::newRow("folder is a file")
            << QStringLiteral("@FILE@/s.sock") << QStringLiteral("not a folder");
    QTest::newRow("path is a folder") << QStringLiteral("@DIR@") << QStringLiteral("folder");
}

void tst_IPCSocket::invalidPath()
{
    QFETCH(QString, path);
    QFETCH(QString, cause);
    const QString file = m_dir->filePath(QStringLiteral("plain"));
    QFile plain(file);
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    path.replace(QStringLiteral("@FILE@"), file).replace(QStringLiteral("@DIR@"), m_dir->path());

    // Connecting looks at the folder only once it has failed: with a
    // connectTimeout too, a bad path is an error at once, not a wait.
    enum Way { Listen, Connect, ConnectWaiting };
    for (const Way way : {Listen, Connect, ConnectWaiting}) {
        IPCSocket socket;
        socket.setPath(path);
        if (way == ConnectWaiting)
            socket.setConnectTimeout(Timeout);
        QSignalSpy errors(&socket, &IPCSocket::error);
        QVERIFY(!(way == Listen ? socket.listen() : socket.connect()));
        QVERIFY(!socket.isConnecting());
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidPathError));
        const QString message = errors.at(0).at(1).toString();
        QVERIFY2(message.contains(cause), qPrintable(message));
        QVERIFY2(path.isEmpty() || message.contains(path), qPrintable(message));
        QVERIFY(!socket.isListening());
    }

    // The longest path that is allowed works.
    IPCSocket longest;
    QString name = m_dir->path() + u'/';
    name += QString(103 - name.toUtf8().size(), u'x');
    QCOMPARE(name.toUtf8().size(), 103);
    longest.setPath(name);
    QVERIFY(longest.listen());
}

void tst_IPCSocket::permissionDenied()
{
#ifdef Q_OS_WIN
    QSKIP(NoStranger);
#else
    // A folder only root may enter. Root passes every such check, so the
    // peer process drops to nobody first when this test runs as root.
    const QString locked = m_dir->filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkdir(locked));
    QVERIFY(letOthersIn(m_dir->path()));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    const QString path = locked + QStringLiteral("/s.sock");

    for (const QString &side : {QStringLiteral("listen"), QStringLiteral("connect")}) {
        Peer peer({side, path, QStringLiteral("attempt"), QStringLiteral("--as-nobody")});
        const QByteArray error = peer.waitForLine("error");
        QVERIFY2(error.startsWith("error 109 "), error.constData());
        QVERIFY2(error.contains(path.toUtf8()), error.constData());
        QCOMPARE(peer.waitForLine("failed"), QByteArray("failed"));
    }

    // A socket file its owner alone may use (UserOnly): a stranger gets 109.
    if (::geteuid() != 0)
        QSKIP("Only root can play a stranger; CI runs this as root");
    IPCSocket listener;
    listener.setPath(m_dir->filePath(QStringLiteral("mine.sock")));
    QVERIFY(listener.listen());
    Peer stranger({QStringLiteral("connect"), listener.path(), QStringLiteral("attempt"),
                   QStringLiteral("--as-nobody")});
    const QByteArray error = stranger.waitForLine("error");
    QVERIFY2(error.startsWith("error 109 "), error.constData());

    // A stale file the stranger may probe but not remove (the folder is
    // not theirs): 109, and the file stays.
    const QString shared = m_dir->filePath(QStringLiteral("shared"));
    QVERIFY(QDir().mkdir(shared));
    QVERIFY(QFile::setPermissions(shared, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                  | QFile::ReadOther | QFile::ExeOther));
    const QString stale = shared + QStringLiteral("/stale.sock");
    QVERIFY(SocketFile::makeStale(stale));
    QVERIFY(QFile::setPermissions(stale, QFileDevice::Permissions(0x7777)));
    Peer blocked({QStringLiteral("listen"), stale, QStringLiteral("attempt"),
                  QStringLiteral("--as-nobody")});
    const QByteArray staleError = blocked.waitForLine("error");
    QVERIFY2(staleError.startsWith("error 109 "), staleError.constData());
    QVERIFY2(staleError.contains("stale"), staleError.constData());
    QVERIFY(QFileInfo::exists(stale));

    // WorldAccess lets the same stranger in.
    IPCSocket open;
    open.setPath(m_dir->filePath(QStringLiteral("world.sock")));
    open.setAccessMode(IPCSocket::WorldAccess);
    QVERIFY(open.listen());
    Peer guest({QStringLiteral("connect"), open.path(), QStringLiteral("attempt"),
                QStringLiteral("--as-nobody")});
    QCOMPARE(guest.waitForLine("started"), QByteArray("started"));
#endif
}

void tst_IPCSocket::outOfDescriptors()
{
#ifdef IPCSOCKET_SANITIZED
    QSKIP("UBSan checks memory through a pipe(2); with no descriptor left it reports "
          "false errors. The normal build runs this test.");
#endif
#ifdef Q_OS_WIN
    QSKIP(NoDescriptorLimit);
#endif
    // No descriptor left for the socket: 100, with the path and the cause.
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
    Peer connector({QStringLiteral("connect"), socketPath(), QStringLiteral("attempt"),
                    QStringLiteral("--exhaust-descriptors")});
    QByteArray error = connector.waitForLine("error");
    QVERIFY2(error.startsWith("error 100 "), error.constData());
    QVERIFY2(error.contains(socketPath().toUtf8()), error.constData());
    QCOMPARE(connector.waitForLine("failed"), QByteArray("failed"));

    // None left to accept a peer with: the listener says so and stops,
    // instead of waking up for the same connection forever.
    const QString path = socketPath(QStringLiteral("full.sock"));
    Peer full({QStringLiteral("listen"), path, QStringLiteral("sink"),
               QStringLiteral("--exhaust-descriptors")});
    QCOMPARE(full.waitForLine("listening"), QByteArray("listening"));
    IPCSocket client;
    client.setPath(path);
    QVERIFY(client.connect());
    error = full.waitForLine("error");
    QVERIFY2(error.startsWith("error 100 "), error.constData());
    QVERIFY2(error.contains(path.toUtf8()), error.constData());
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(path), Timeout); // it stopped listening
}

void tst_IPCSocket::peerIdentity()
{
    // In one process: both sides see this process.
    IPCSocket a, b;
    QSignalSpy identity(&a, &IPCSocket::peerIdentityChanged);
    QCOMPARE(a.peerProcessId(), -1);
    QCOMPARE(a.peerUserId(), -1);
    QCOMPARE(a.peerGroupId(), -1);
    QVERIFY(connectPair(a, b));
    for (IPCSocket *side : {&a, &b}) {
        QCOMPARE(side->peerProcessId(), QCoreApplication::applicationPid());
        QCOMPARE(side->peerUserId(), SocketFile::currentUserId());
        QCOMPARE(side->peerGroupId(), SocketFile::currentGroupId());
    }
    QCOMPARE(identity.size(), 1);

    // Across processes, both ways; kept after the end, for a 102 handler.
    IPCSocket listener;
    listener.setPath(socketPath(QStringLiteral("p.sock")));
    qint64 pidIn102 = 0;
    QObject::connect(&listener, &IPCSocket::error, this, [&](int code) {
        if (code == IPCSocket::LostConnection)
            pidIn102 = listener.peerProcessId();
    });
    QSignalSpy listenerConnected(&listener, &IPCSocket::connected);
    QVERIFY(listener.listen());
    {
        Peer connector({QStringLiteral("connect"), listener.path(), QStringLiteral("stream"),
                        QStringLiteral("10")});
        const qint64 pid = connector.processId();
        QVERIFY(pid > 0);
        QTRY_COMPARE_WITH_TIMEOUT(listenerConnected.size(), 1, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(pidIn102, pid, Timeout);
        QCOMPARE(listener.peerProcessId(), pid);
    }
    listener.readAll();
    // A connect() refused for its path changes nothing, as any refused call.
    listener.setPath(socketPath(QStringLiteral("no-such-folder/p.sock")));
    QVERIFY(!listener.connect());
    QCOMPARE(listener.lastErrorCode(), int(IPCSocket::InvalidPathError));
    QCOMPARE(listener.peerProcessId(), pidIn102);
    listener.setPath(socketPath(QStringLiteral("p.sock")));
    QVERIFY(listener.listen()); // the next listen() forgets the old peer
    QCOMPARE(listener.peerProcessId(), -1);
    QCOMPARE(listener.peerUserId(), -1);
    listener.close();

    Peer server({QStringLiteral("listen"), socketPath(QStringLiteral("q.sock")),
                 QStringLiteral("echo")});
    QCOMPARE(server.waitForLine("listening"), QByteArray("listening"));
    IPCSocket client;
    client.setPath(socketPath(QStringLiteral("q.sock")));
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), Timeout);
    QCOMPARE(client.peerProcessId(), server.processId());
    QCOMPARE(client.peerUserId(), SocketFile::currentUserId());
}

void tst_IPCSocket::peerIdentityOfAnotherUser()
{
    // Another user, as the kernel says, not as the peer claims.
#ifdef Q_OS_WIN
    QSKIP(NoStranger);
#else
    if (::geteuid() != 0)
        QSKIP("Only root can play a stranger; CI runs this as root");
    QVERIFY(letOthersIn(m_dir->path()));
    IPCSocket open;
    open.setPath(socketPath(QStringLiteral("w.sock")));
    open.setAccessMode(IPCSocket::WorldAccess);
    QVERIFY(open.listen());
    Peer stranger({QStringLiteral("connect"), open.path(), QStringLiteral("echo"),
                   QStringLiteral("--as-nobody")});
    QTRY_VERIFY_WITH_TIMEOUT(open.isConnected(), Timeout);
    QCOMPARE(open.peerUserId(), 65534);
    QCOMPARE(open.peerGroupId(), 65534);
    QCOMPARE(open.peerProcessId(), stranger.processId());
#endif
}

void tst_IPCSocket::userOnlyRefusesOtherUsers()
{
#ifdef Q_OS_WIN
    QSKIP(NoStranger);
#else
    if (::geteuid() != 0)
        QSKIP("Only root can play a stranger; CI runs this as root");
    QVERIFY(letOthersIn(m_dir->path()));
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy connected(&listener, &IPCSocket::connected);
    QSignalSpy errors(&listener, &IPCSocket::error);
    QVERIFY(listener.listen());
    // Widened after listen(): only the listener's own check stands in the way.
    QVERIFY(QFile::setPermissions(socketPath(), QFileDevice::Permissions(0x6666)));
    Peer stranger({QStringLiteral("connect"), socketPath(), QStringLiteral("echo"),
                   QStringLiteral("--as-nobody")});
    const qint64 strangerPid = stranger.processId();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::PermissionDeniedError));
    const QString message = errors.at(0).at(1).toString();
    QVERIFY2(message.contains(socketPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("user 65534")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("process %1").arg(strangerPid)), qPrintable(message));
    // The stranger's connection was closed; nothing was announced here.
    QVERIFY(stranger.waitForLine("error 102").startsWith("error 102"));
    QCOMPARE(connected.size(), 0);
    QVERIFY(listener.isListening());

    // The real peer still gets in.
    IPCSocket friendly;
    friendly.setPath(socketPath());
    QVERIFY(friendly.connect());
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QCOMPARE(listener.peerUserId(), 0);
#endif
}

void tst_IPCSocket::connectTimeoutWaitsForListener_data()
{
    QTest::addColumn<bool>("stale");
    QTest::newRow("no file") << false;
    QTest::newRow("stale file") << true;
}

void tst_IPCSocket::connectTimeoutWaitsForListener()
{
    // "Connect" before "Listen": it works once the listener comes.
    QFETCH(bool, stale);
    if (stale) {
#ifdef Q_OS_WIN
        QSKIP(NoSocketFiles);
#endif
        QVERIFY(SocketFile::makeStale(socketPath()));
    }
    IPCSocket client;
    client.setPath(socketPath());
    client.setConnectTimeout(20000);
    QSignalSpy connected(&client, &IPCSocket::connected);
    QSignalSpy errors(&client, &IPCSocket::error);
    QSignalSpy connecting(&client, &IPCSocket::isConnectingChanged);
    QVERIFY(client.connect());
    QVERIFY(!client.isConnected());
    QVERIFY(client.isConnecting());
    QCOMPARE(connecting.size(), 1);
    QTest::qWait(150);
    QCOMPARE(errors.size(), 0);
    // Waiting is a state: starting again is refused.
    QVERIFY(!client.connect());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidStateError));

    Peer listener({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QVERIFY(client.isConnected());
    QVERIFY(!client.isConnecting());
    QCOMPARE(connecting.size(), 2);
    client.write(QByteArray("late but there"));
    QTRY_COMPARE_WITH_TIMEOUT(client.bytesAvailable(), 14, Timeout);
    QCOMPARE(errors.size(), 1);
}

void tst_IPCSocket::connectTimeoutRunsOut()
{
    IPCSocket client;
    client.setPath(socketPath());
    client.setConnectTimeout(300);
    QSignalSpy errors(&client, &IPCSocket::error);
    QVERIFY(client.connect());
    QCOMPARE(errors.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::NameResolutionError));
    const QString message = errors.at(0).at(1).toString();
    QVERIFY2(message.contains(socketPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("for 300 ms")), qPrintable(message));
    QVERIFY(!client.isConnected());
    QVERIFY(!client.isConnecting());
    // And it can start again.
    QVERIFY(client.connect());
    client.close();
}

void tst_IPCSocket::connectTimeoutCancelledByClose()
{
    IPCSocket client;
    client.setPath(socketPath());
    client.setConnectTimeout(20000);
    QSignalSpy connected(&client, &IPCSocket::connected);
    QSignalSpy errors(&client, &IPCSocket::error);
    QVERIFY(client.connect());
    client.close();
    QVERIFY(!client.isConnecting());
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy listenerConnected(&listener, &IPCSocket::connected);
    QVERIFY(listener.listen());
    QTest::qWait(300);
    QCOMPARE(connected.size(), 0);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(listenerConnected.size(), 0);
    QVERIFY(listener.isListening());
}

void tst_IPCSocket::connectTimeoutWithPoll()
{
    // No event loop: poll() makes the attempts.
    IPCSocket client, listener;
    client.setPath(socketPath());
    listener.setPath(socketPath());
    client.setConnectTimeout(20000);
    bool connected = false;
    QObject::connect(&client, &IPCSocket::connected, this, [&] { connected = true; });
    QVERIFY(client.connect());
    for (int i = 0; i < 20; ++i) {
        client.poll();
        QThread::usleep(1000);
    }
    QVERIFY(!connected);
    QVERIFY(listener.listen());
    for (int i = 0; i < 5000 && !connected; ++i) {
        client.poll();
        listener.poll();
        QThread::usleep(1000);
    }
    QVERIFY(connected);
    QVERIFY(listener.isConnected());
}

void tst_IPCSocket::openIsRefused()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QSignalSpy errors(&socket, &IPCSocket::error);
    QVERIFY(!socket.open(QIODevice::ReadWrite));
    QVERIFY(!socket.isOpen());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::InvalidStateError));
}

void tst_IPCSocket::lookaheadDoesNotConsume()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    a.write(QByteArray("hello world"));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 11, Timeout);
    QCOMPARE(b.lookahead(), QByteArray("hello world"));
    QCOMPARE(b.lookahead(), QByteArray("hello world"));
    QCOMPARE(b.bytesAvailable(), 11);
    QCOMPARE(b.read(6), QByteArray("hello "));
    QCOMPARE(b.lookahead(), QByteArray("world"));
    QCOMPARE(b.readAll(), QByteArray("world"));
    QCOMPARE(b.lookahead(), QByteArray());

    // Also past QIODevice's chunk size.
    const QByteArray big = pattern(0, 300000);
    a.write(big);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), big.size(), Timeout);
    QCOMPARE(b.lookahead(), big);
    QCOMPARE(b.readAll(), big);
}

void tst_IPCSocket::endOfFile()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    QVERIFY(b.endOfFile());
    a.write(QByteArray("ab"));
    QTRY_VERIFY_WITH_TIMEOUT(!b.endOfFile(), Timeout);
    b.read(1);
    QVERIFY(!b.endOfFile());
    b.read(1);
    QVERIFY(b.endOfFile());
}

void tst_IPCSocket::readFewerBytesThanAsked()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    a.write(QByteArray("abc"));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 3, Timeout);
    QCOMPARE(b.read(100), QByteArray("abc"));
    QCOMPARE(b.read(100), QByteArray());
    char buffer[8];
    QCOMPARE(b.read(buffer, sizeof(buffer)), 0); // connected, nothing yet: not an error
}

void tst_IPCSocket::readsOfEverySizeKeepTheOrder()
{
    // A writer far ahead of its reader (one thread: the system's buffer is
    // full whenever the reader runs). Small reads come from the socket's
    // buffer, large ones straight from the system with what follows them
    // into the buffer. Sizes around the buffer's slice (16 KiB) and the
    // system's buffer, and peeks before small reads.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const qint64 size = 16 * 1024 * 1024 + 5;
    const QByteArray sent = pattern(0, size);
    const qint64 sizes[] = {1,     7,      1000,   16383,       16384, 16385,
                            65536, 100000, 250000, 1024 * 1024, 3,     2 * 1024 * 1024};
    qsizetype round = 0;
    QByteArray received;
    bool readFailed = false;
    QObject::connect(&b, &IPCSocket::dataAvailable, this, [&] {
        // Each size is in its turn the first read after an announcement.
        qsizetype next = round++;
        while (b.bytesAvailable() > 0 && !readFailed) {
            const qint64 wanted = sizes[next++ % std::size(sizes)];
            const qint64 available = b.bytesAvailable();
            // (A peek takes all there is into the buffer: only before a
            // read that would.)
            const QByteArray peeked = wanted < 16384 ? b.peek(wanted) : QByteArray();
            const QByteArray bytes = b.read(wanted);
            // What bytesAvailable() counted is there: a read gets at least
            // that much of what it asked for.
            readFailed = bytes.size() < qMin(wanted, available) || !bytes.startsWith(peeked);
            received += bytes;
        }
    });
    QCOMPARE(a.write(sent), size);
    QTRY_VERIFY_WITH_TIMEOUT(received.size() >= size || readFailed, Timeout);
    QVERIFY(!readFailed);
    QCOMPARE(received.size(), size);
    QVERIFY(received == sent);
}

void tst_IPCSocket::bytesArrivingDuringReadAreAnnounced()
{
    // Bytes that arrive after an announcement, while the reader reads what
    // was announced, are announced in their turn: a reader that reads
    // only what bytesAvailable() says, when dataAvailable() says so, gets
    // every byte (a read that took them in passing kept them unannounced).
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const QByteArray sent = pattern(0, 20 * 1024 + 7);
    const qsizetype first = 17 * 1024;
    QByteArray received;
    bool lateWritten = false;
    QObject::connect(&b, &IPCSocket::dataAvailable, this, [&] {
        if (!std::exchange(lateWritten, true)) {
            a.write(sent.mid(first));
            a.flush();
        }
        received += b.read(b.bytesAvailable());
    });
    QCOMPARE(a.write(sent.left(first)), qint64(first));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), Timeout);
    QVERIFY(received == sent);
}

void tst_IPCSocket::textNeverSplitsCharacters()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const QByteArray text = QStringLiteral("Grüße, 世界 🚀").toUtf8();
    // "Grü" and the first byte of "ß"...
    const qsizetype cut = text.indexOf("\xc3\x9f") + 1;
    a.write(text.left(cut));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), cut, Timeout);
    QCOMPARE(b.lookahead(QStringConverter::Utf8), QStringLiteral("Grü"));
    QCOMPARE(b.readAll(QStringConverter::Utf8), QStringLiteral("Grü"));
    QCOMPARE(b.bytesAvailable(), 1); // the half character waits for its rest
    QCOMPARE(b.readAll(QStringConverter::Utf8), QString());

    a.write(text.mid(cut));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), text.size() - cut + 1, Timeout);
    // byteCount counts bytes and stops before a character it would cut...
    QCOMPARE(b.read(3, QStringConverter::Utf8), QStringLiteral("ße"));
    QCOMPARE(b.read(5, QStringConverter::Utf8), QStringLiteral(", 世"));
    // ...but a character longer than byteCount is read whole: progress.
    QCOMPARE(b.read(1, QStringConverter::Utf8), QStringLiteral("界"));
    QCOMPARE(b.readAll(QStringConverter::Utf8), QStringLiteral(" 🚀"));

    // At the end of the stream a partial character is decoded as it is.
    a.write(QByteArray("\xe4\xb8"));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 2, Timeout);
    QCOMPARE(b.readAll(QStringConverter::Utf8), QString());
    a.close();
    QTRY_VERIFY_WITH_TIMEOUT(!b.isConnected(), Timeout);
    QCOMPARE(b.readAll(QStringConverter::Utf8), QString::fromUtf8("\xe4\xb8"));
    QVERIFY(b.readAll(QStringConverter::Utf8).isEmpty());
    QVERIFY(b.endOfFile());
}

void tst_IPCSocket::textOverloads()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const QString text = QStringLiteral("Grüße 🚀");
    QCOMPARE(a.write(text), text.toUtf8().size());
    QCOMPARE(a.write(text, QStringConverter::Utf16LE), text.size() * 2);
    QCOMPARE(a.writeText(text, QStringLiteral("ISO-8859-1")), 8);
    const qint64 total = text.toUtf8().size() + text.size() * 2 + 8;
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), total, Timeout);
    QCOMPARE(b.readText(text.toUtf8().size()), text);
    QCOMPARE(b.lookaheadText(QStringLiteral("UTF-16LE")).left(text.size()), text);
    QCOMPARE(b.read(text.size() * 2, QStringConverter::Utf16LE), text);
    QCOMPARE(b.readAllText(QStringLiteral("latin1")), QStringLiteral("Grüße ??"));
}

void tst_IPCSocket::unknownEncodingIsAnError()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    a.write(QByteArray("abc"));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 3, Timeout);
    QSignalSpy errors(&b, &IPCSocket::error);
    QCOMPARE(b.readText(3, QStringLiteral("no-such-encoding")), QString());
    QCOMPARE(b.lookaheadText(QStringLiteral("no-such-encoding")), QString());
    QCOMPARE(b.writeText(QStringLiteral("x"), QStringLiteral("no-such-encoding")), -1);
    QCOMPARE(errors.size(), 3);
    QVERIFY(errors.at(0).at(1).toString().contains(QStringLiteral("no-such-encoding")));
    QCOMPARE(b.bytesAvailable(), 3); // nothing lost
}

void tst_IPCSocket::dataStream()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    {
        QDataStream out(&a);
        out << QStringLiteral("Grüße") << qint64(42) << QList<int>{1, 2, 3};
    }
    QDataStream in(&b);
    QString text;
    qint64 number = 0;
    QList<int> list;
    // Read as a real reader does: a transaction that waits for all of it.
    bool complete = false;
    const auto tryRead = [&] {
        in.startTransaction();
        in >> text >> number >> list;
        return in.commitTransaction();
    };
    QTRY_VERIFY_WITH_TIMEOUT(complete || (complete = tryRead()), Timeout);
    QCOMPARE(text, QStringLiteral("Grüße"));
    QCOMPARE(number, 42);
    QCOMPARE(list, (QList<int>{1, 2, 3}));
}

void tst_IPCSocket::bytesWrittenReported()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    QSignalSpy written(&a, &IPCSocket::bytesWritten);
    // Reported by the event loop, never from inside write().
    QCOMPARE(a.write(QByteArray("12345")), 5);
    QCOMPARE(written.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, Timeout);
    QCOMPARE(written.at(0).at(0).toLongLong(), 5);
    // Or by flush().
    a.write(QByteArray("678"));
    QVERIFY(a.flush());
#ifdef Q_OS_WIN
    // A pipe write may complete later (Wine's do): the system confirms it
    // to the event loop, not to flush().
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 2, Timeout);
#else
    QCOMPARE(written.size(), 2);
#endif
    QCOMPARE(written.at(1).at(0).toLongLong(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 8, Timeout);

    // A writer driven by bytesWritten() that writes and flushes in its slot
    // gets to the end.
    const QByteArray chunk = pattern(0, 64 * 1024);
    qint64 queued = 0;
    const qint64 total = 32 * 1024 * 1024;
    const auto fill = [&] {
        while (queued < total && a.bytesLeftToSend() < 1024 * 1024) {
            a.write(chunk);
            queued += chunk.size();
        }
        a.flush();
    };
    QObject::connect(&a, &IPCSocket::bytesWritten, this, fill);
    qint64 received = 0;
    QObject::connect(&b, &IPCSocket::dataAvailable, this, [&] { received += b.readAll().size(); });
    fill();
    QTRY_COMPARE_WITH_TIMEOUT(received, total + 8, LongTimeout); // with the 8 from before
}

void tst_IPCSocket::bytesWrittenWhenSlotFlushes()
{
    // Every write is confirmed, also one that a bytesWritten() slot writes
    // and flushes at once: Qt's sockets do not emit bytesWritten() inside
    // a slot of their own, so a transport that only passed their signal on
    // lost that confirmation, and a writer that waits for it stalled. Small
    // writes into an empty buffer: each flush() sends all of it.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const QByteArray chunk = pattern(0, 100);
    const int chunks = 50;
    int sent = 1;
    qint64 confirmed = 0;
    QObject::connect(&a, &IPCSocket::bytesWritten, this, [&](qint64 bytes) {
        confirmed += bytes;
        if (sent < chunks && confirmed == sent * chunk.size()) {
            ++sent;
            a.write(chunk);
            a.flush();
        }
    });
    a.write(chunk);
    QTRY_COMPARE_WITH_TIMEOUT(confirmed, qint64(chunks) * chunk.size(), Timeout);
    QCOMPARE(sent, chunks);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), qint64(chunks) * chunk.size(), Timeout);
    QCOMPARE(a.bytesLeftToSend(), 0);
}

void tst_IPCSocket::deleteInsideSlots()
{
    // Deleting the socket from its own signal is a mistake (deleteLater()
    // is the way), but it must not crash.
    auto *a = new IPCSocket;
    auto *b = new IPCSocket;
    QVERIFY(connectPair(*a, *b));
    QObject::connect(b, &IPCSocket::dataAvailable, this, [b] { delete b; });
    QSignalSpy lost(a, &IPCSocket::error);
    QObject::connect(a, &IPCSocket::error, this, [a] { delete a; });
    QPointer<IPCSocket> aGuard(a), bGuard(b);
    a->write(QByteArray("bye"));
    QTRY_VERIFY_WITH_TIMEOUT(!bGuard, Timeout);
    // b's end closed the connection: a hears of it, and goes the same way.
    QTRY_VERIFY_WITH_TIMEOUT(!aGuard, Timeout);
    QCOMPARE(lost.size(), 1);
    QCOMPARE(lost.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
}

namespace {

// Turns a hang into a failure: a deadlock inside Qt's own locks cannot be
// timed out by QTRY_, since the thread that would check never comes back.
class Watchdog
{
public:
    explicit Watchdog(int seconds, const char *what)
        : m_thread([this, seconds, what] {
              std::unique_lock<std::mutex> lock(m_mutex);
              if (!m_done.wait_for(lock, std::chrono::seconds(seconds),
                                   [this] { return m_stop; })) {
                  std::fprintf(stderr, "FAIL: %s did not finish in %d s: a deadlock\n", what,
                               seconds);
                  std::abort();
              }
          })
    { }
    ~Watchdog()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_done.notify_one();
        m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_stop = false;
    std::thread m_thread; // last: it uses the members above
};

// Receivers that live at many heap addresses at once, so that some of them
// share one of Qt's signal-slot mutexes with the socket (Qt hashes objects
// to a small pool of them).
void connectAndDropReceivers(IPCSocket *socket, int batches, int batchSize)
{
    for (int batch = 0; batch < batches; ++batch) {
        std::vector<std::unique_ptr<QObject>> receivers;
        receivers.reserve(size_t(batchSize));
        for (int i = 0; i < batchSize; ++i) {
            auto receiver = std::make_unique<QObject>();
            QObject *context = receiver.get();
            QObject::connect(socket, &IPCSocket::bytesWritten, context, [] {});
            QObject::connect(socket, &IPCSocket::bytesLeftToSendChanged, context, [] {});
            QObject::connect(socket, &IPCSocket::error, context, [] {});
            QObject::connect(socket, &IPCSocket::dataAvailable, context, [] {});
            if (i % 3 == 0)
                QObject::disconnect(socket, &IPCSocket::bytesWritten, context, nullptr);
            if (i % 5 == 0)
                QObject::disconnect(socket, nullptr, context, nullptr); // every signal at once
            receivers.push_back(std::move(receiver));
        }
        // ~QObject() disconnects what is left, with the receiver's mutex held.
    }
}

} // namespace

void tst_IPCSocket::receiversComeAndGo()
{
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    {
        Watchdog watchdog(120, "connecting and destroying receivers");
        connectAndDropReceivers(&a, 2000, 64);
    }
    // Whoever listens at the end still hears of every write, and only when
    // anyone listens is the event loop asked to report writes.
    QSignalSpy written(&a, &IPCSocket::bytesWritten);
    QCOMPARE(a.write(QByteArray("after the churn")), 15);
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 15, Timeout);
    QCOMPARE(b.readAll(), QByteArray("after the churn"));
}

void tst_IPCSocket::receiversInOtherThreads()
{
    // Receivers made, connected and destroyed in other threads while this
    // one writes and reads through the socket.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    qint64 received = 0;
    QObject::connect(&b, &IPCSocket::dataAvailable, this, [&] { received += b.readAll().size(); });
    Watchdog watchdog(120, "receivers in other threads");
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&a, &stop] {
            while (!stop.load())
                connectAndDropReceivers(&a, 1, 64);
        });
    }
    const QByteArray chunk = pattern(0, 4096);
    qint64 sent = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 3000) {
        sent += a.write(chunk);
        QCoreApplication::processEvents();
    }
    stop = true;
    for (std::thread &thread : threads)
        thread.join();
    QTRY_COMPARE_WITH_TIMEOUT(received, sent, LongTimeout);
}

void tst_IPCSocket::pollWithoutEventLoop()
{
    // No QTRY_ here: those spin the event loop. Only poll() runs.
    IPCSocket a, b;
    QList<QByteArray> events;
    QObject::connect(&a, &IPCSocket::connected, this, [&] { events.append("a connected"); });
    QObject::connect(&b, &IPCSocket::connected, this, [&] { events.append("b connected"); });
    QObject::connect(&b, &IPCSocket::dataAvailable, this,
                     [&] { events.append("b data " + b.readAll()); });
    QObject::connect(&b, &IPCSocket::error, this,
                     [&](int code) { events.append("b error " + QByteArray::number(code)); });
    a.setPath(socketPath());
    b.setPath(socketPath());
    QVERIFY(a.listen());
    QVERIFY(b.connect());

    const auto pollUntil = [&](const QByteArray &event) {
        for (int i = 0; i < 5000 && !events.contains(event); ++i) {
            a.poll();
            b.poll();
            QThread::usleep(1000);
        }
        return events.contains(event);
    };
    QVERIFY(pollUntil("a connected"));
    QVERIFY(pollUntil("b connected"));
    a.write(QByteArray("polled"));
    QVERIFY(pollUntil("b data polled"));
    a.close();
    QVERIFY(pollUntil("b error 102"));

    // And a whole program that lives on poll(): the peer in --poll mode.
    IPCSocket c;
    c.setPath(socketPath(QStringLiteral("poll.sock")));
    QVERIFY(c.listen());
    Peer echo({QStringLiteral("connect"), c.path(), QStringLiteral("echo"),
               QStringLiteral("--poll")});
    QTRY_VERIFY_WITH_TIMEOUT(c.isConnected(), Timeout);
    c.write(QByteArray("echo me"));
    QTRY_COMPARE_WITH_TIMEOUT(c.bytesAvailable(), 7, Timeout);
    QCOMPARE(c.readAll(), QByteArray("echo me"));
}

void tst_IPCSocket::pollWhileBytesLeftToSend()
{
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer sink({QStringLiteral("connect"), socket.path(), QStringLiteral("sink"),
               QStringLiteral("--poll")});
    for (int i = 0; i < 10000 && !socket.isConnected(); ++i) {
        socket.poll();
        QThread::usleep(1000);
    }
    QVERIFY(socket.isConnected());

    const QByteArray block = pattern(0, 32 * 1024 * 1024);
    QCOMPARE(socket.write(block), block.size());
    QVERIFY(socket.bytesLeftToSend() > 0);
    QElapsedTimer timer;
    timer.start();
    while (socket.bytesLeftToSend() > 0 && timer.elapsed() < 60000)
        socket.poll();
    QCOMPARE(socket.bytesLeftToSend(), 0);
    socket.close();
    QCOMPARE(sink.waitForLine("received"),
             "received " + QByteArray::number(block.size()) + ' ' + sha256(block));
}

void tst_IPCSocket::reuseAfterClose()
{
    IPCSocket first, second;
    IPCSocket *a = &first;
    IPCSocket *b = &second;
    for (int round = 0; round < 3; ++round) {
        QVERIFY(connectPair(*a, *b));
        a->write(QByteArray::number(round));
        QTRY_VERIFY_WITH_TIMEOUT(b->bytesAvailable() > 0, Timeout);
        QCOMPARE(b->readAll(), QByteArray::number(round));
        a->close();
        b->close();
        QVERIFY(!a->isOpen() && !b->isOpen());
        QVERIFY(!SocketFile::exists(socketPath()));
        // The listener connects the next time round, and the other way.
        std::swap(a, b);
    }
}

void tst_IPCSocket::relativePathIsRelativeToCurrentDirectory()
{
    const QString old = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir->path()));
    const auto restore = qScopeGuard([old] { QDir::setCurrent(old); });
    IPCSocket a, b;
    a.setPath(QStringLiteral("relative.sock"));
    b.setPath(QStringLiteral("./relative.sock"));
    QVERIFY(a.listen());
    QCOMPARE(a.path(), QStringLiteral("relative.sock"));
    QVERIFY(SocketFile::exists(m_dir->filePath(QStringLiteral("relative.sock"))));
    QVERIFY(b.connect());
    QTRY_VERIFY_WITH_TIMEOUT(a.isConnected(), Timeout);
}

void tst_IPCSocket::largeTransferBetweenProcesses()
{
    const qint64 size = 64 * 1024 * 1024;
    // Peer to us...
    IPCSocket socket;
    socket.setPath(socketPath());
    QVERIFY(socket.listen());
    Peer stream({QStringLiteral("connect"), socket.path(), QStringLiteral("stream"),
                 QString::number(size)});
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 received = 0;
    QObject::connect(&socket, &IPCSocket::dataAvailable, this, [&] {
        const QByteArray bytes = socket.readAll();
        received += bytes.size();
        hash.addData(bytes);
    });
    const QByteArray sent = stream.waitForLine("sent ");
    QTRY_COMPARE_WITH_TIMEOUT(socket.lastErrorCode(), int(IPCSocket::LostConnection), LongTimeout);
    received += socket.bytesAvailable();
    hash.addData(socket.readAll());
    QCOMPARE(received, size);
    QCOMPARE(sent, "sent " + QByteArray::number(size) + ' ' + hash.result().toHex());

    // ...and between two peer processes, neither of them this one.
    const QString path = socketPath(QStringLiteral("pp.sock"));
    Peer sink({QStringLiteral("listen"), path, QStringLiteral("sink")});
    QCOMPARE(sink.waitForLine("listening"), QByteArray("listening"));
    Peer source({QStringLiteral("connect"), path, QStringLiteral("stream"), QString::number(size)});
    const QByteArray sentLine = source.waitForLine("sent ");
    const QByteArray receivedLine = sink.waitForLine("received ");
    QVERIFY2(!sentLine.isEmpty(), qPrintable(source.describe()));
    QVERIFY2(!receivedLine.isEmpty(), qPrintable(sink.describe()));
    QCOMPARE(receivedLine.mid(9), sentLine.mid(5));
}

void tst_IPCSocket::connectionsAfterLongSilence()
{
#ifndef Q_OS_WIN
    QSKIP("For Windows: under Wine a pipe read started by a thread-pool thread that "
          "then waits idle for 5 s is cancelled (see tests/support/tst_peerprocess.cpp)");
#endif
    // Connections that stay silent for longer than Wine keeps an idle pool
    // thread still deliver, both ways, in this process and with another.
    IPCSocket server, busy;
    QVERIFY(connectPair(server, busy));
    QObject::connect(&server, &IPCSocket::dataAvailable, this, [&] { server.readAll(); });
    busy.write(QByteArray(16 * 1024 * 1024, 'x'));
    QTRY_COMPARE_WITH_TIMEOUT(busy.bytesLeftToSend(), 0, LongTimeout);
    server.close();
    busy.close();

    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    Peer echo({QStringLiteral("listen"), socketPath(QStringLiteral("echo.sock")),
               QStringLiteral("echo")});
    QCOMPARE(echo.waitForLine("listening"), QByteArray("listening"));
    IPCSocket c;
    c.setPath(socketPath(QStringLiteral("echo.sock")));
    QVERIFY(c.connect());
    QTRY_VERIFY_WITH_TIMEOUT(c.isConnected(), Timeout);
    QTest::qWait(6500);
    a.write(QByteArray("to b"));
    b.write(QByteArray("to a"));
    c.write(QByteArray("echo me"));
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 4, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(a.bytesAvailable(), 4, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(c.bytesAvailable(), 7, Timeout);
    QCOMPARE(c.readAll(), QByteArray("echo me"));
}

void tst_IPCSocket::plainClient()
{
    // A client that this project did not write: Python's socket module on
    // Unix, the Win32 pipe calls alone on Windows.
    IPCSocket listener;
    listener.setPath(socketPath());
    QVERIFY(listener.listen());
#ifdef Q_OS_WIN
    auto client = SocketFile::startPlainPipeExchange(listener.path(),
                                                     QByteArray("hello from win32!"), 14);
    QTRY_VERIFY_WITH_TIMEOUT(listener.isConnected(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(listener.bytesAvailable(), 17, Timeout);
    QCOMPARE(listener.readAll(), QByteArray("hello from win32!"));
    listener.write(QByteArray("hello from Qt!"));
    QTRY_VERIFY_WITH_TIMEOUT(client.wait_for(std::chrono::seconds(0)) == std::future_status::ready,
                             Timeout);
    QCOMPARE(client.get(), QByteArray("hello from Qt!"));
#else
    QProcess python;
    python.start(QStringLiteral("python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import socket, sys\n"
                                 "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
                                 "s.connect(sys.argv[1])\n"
                                 "s.sendall(b'hello from python')\n"
                                 "data = b''\n"
                                 "while not data.endswith(b'!'):\n"
                                 "    data += s.recv(100)\n"
                                 "print(data.decode())\n"),
                  listener.path()});
    QVERIFY(python.waitForStarted(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(listener.isConnected(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(listener.bytesAvailable(), 17, Timeout);
    QCOMPARE(listener.readAll(), QByteArray("hello from python"));
    listener.write(QByteArray("hello from Qt!"));
    QTRY_COMPARE_WITH_TIMEOUT(python.state(), QProcess::NotRunning, Timeout);
    QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("hello from Qt!"));
#endif
    QTRY_COMPARE_WITH_TIMEOUT(listener.lastErrorCode(), int(IPCSocket::LostConnection), Timeout);
}

void tst_IPCSocket::peerProcessIdInOneProcess()
{
    // Both ends of the connection in this process: each side's peer is this
    // process (a Windows pipe says so for both of its ends), and a 102
    // handler still knows it.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const qint64 self = QCoreApplication::applicationPid();
    QCOMPARE(a.peerProcessId(), self);
    QCOMPARE(b.peerProcessId(), self);
    qint64 pidIn102 = 0;
    QObject::connect(&a, &IPCSocket::error, this, [&](int code) {
        if (code == IPCSocket::LostConnection)
            pidIn102 = a.peerProcessId();
    });
    b.close();
    QTRY_COMPARE_WITH_TIMEOUT(pidIn102, self, Timeout);
    QCOMPARE(a.peerProcessId(), self);
}

void tst_IPCSocket::busyPipeIsNotWaitedFor()
{
#ifndef Q_OS_WIN
    QSKIP("A busy pipe (every instance of a named pipe taken) is Windows'");
#else
    // QLocalServer keeps some pipe instances ready and makes new ones from
    // the event loop: connections made while it does not run take them all,
    // and the next one finds the pipe busy. That is 103 at once, not a
    // wait in WaitNamedPipe().
    IPCServerSocket server;
    server.setPath(socketPath());
    server.setMaximumSocketsConnected(0);
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<IPCSocket>> clients;
    QString busy;
    for (int i = 0; i < 1000 && busy.isEmpty(); ++i) {
        auto client = std::make_unique<IPCSocket>();
        client->setPath(socketPath());
        QSignalSpy errors(client.get(), &IPCSocket::error);
        if (client->connect()) {
            clients.push_back(std::move(client));
            continue;
        }
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::NameResolutionError));
        busy = errors.at(0).at(1).toString();
    }
    QVERIFY2(busy.contains(socketPath()), qPrintable(busy));
    QVERIFY2(busy.contains(QStringLiteral("busy")), qPrintable(busy));
    QVERIFY(!clients.empty());

    // With a connectTimeout the busy pipe is tried again from the event
    // loop, which meanwhile lets the server make new instances.
    IPCSocket patient;
    patient.setPath(socketPath());
    patient.setConnectTimeout(Timeout);
    QSignalSpy patientConnected(&patient, &IPCSocket::connected);
    QSignalSpy patientErrors(&patient, &IPCSocket::error);
    QSignalSpy accepted(&server, &IPCServerSocket::peerConnected);
    QVERIFY(patient.connect());
    QVERIFY(patient.isConnecting());
    QTRY_COMPARE_WITH_TIMEOUT(patientConnected.size(), 1, Timeout);
    QCOMPARE(patientErrors.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), int(clients.size()) + 1, Timeout);
#endif
}

void tst_IPCSocket::userOnlyAdmitsItsOwnUser()
{
#ifndef Q_OS_WIN
    QSKIP("Windows: the user check by the peer process's token (Unix: "
          "userOnlyRefusesOtherUsers, by the kernel's peer credentials)");
#else
    // A UserOnly listener checks the user of every peer (its process's
    // token) before announcing it; a peer of this user, in another process
    // and in this one, gets in. A peer of another user, refused with 109,
    // needs a second user: Wine runs every process as one.
    IPCSocket listener;
    listener.setPath(socketPath());
    QSignalSpy connected(&listener, &IPCSocket::connected);
    QSignalSpy errors(&listener, &IPCSocket::error);
    QVERIFY(listener.listen());
    Peer own({QStringLiteral("connect"), socketPath(), QStringLiteral("echo")});
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(listener.peerProcessId(), own.processId());
    listener.write(QByteArray("mine"));
    QTRY_COMPARE_WITH_TIMEOUT(listener.bytesAvailable(), 4, Timeout);
    listener.close();

    IPCSocket again, peer;
    QVERIFY(connectPair(again, peer));
    QCOMPARE(again.peerProcessId(), QCoreApplication::applicationPid());
#endif
}

#ifdef Q_OS_WIN
namespace {

QString sidText(PSID sid)
{
    wchar_t *text = nullptr;
    if (!::ConvertSidToStringSidW(sid, &text))
        return {};
    const QString result = QString::fromWCharArray(text);
    ::LocalFree(text);
    return result;
}

// This process's user and primary group, as SIDs.
QStringList ownUserAndGroup()
{
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token))
        return {};
    QByteArray user(1024, Qt::Uninitialized), group(1024, Qt::Uninitialized);
    DWORD size = 0;
    QStringList sids;
    if (::GetTokenInformation(token, TokenUser, user.data(), DWORD(user.size()), &size))
        sids << sidText(reinterpret_cast<TOKEN_USER *>(user.data())->User.Sid);
    if (::GetTokenInformation(token, TokenPrimaryGroup, group.data(), DWORD(group.size()), &size))
        sids << sidText(reinterpret_cast<TOKEN_PRIMARY_GROUP *>(group.data())->PrimaryGroup);
    ::CloseHandle(token);
    return sids;
}

} // namespace
#endif

void tst_IPCSocket::pipeSecurityFollowsAccessMode()
{
#ifndef Q_OS_WIN
    QSKIP("Windows: the pipe's DACL (Unix: accessMode, the socket file's permissions)");
#else
    // Who may open the pipe: the DACL's allowing entries, as the system
    // reports them for a connected pipe.
    const QStringList own = ownUserAndGroup();
    QCOMPARE(own.size(), 2);
    const QString everyone = QStringLiteral("S-1-1-0");
    for (const auto &[mode, expected] :
         {std::pair{IPCSocket::UserOnly, QStringList{own.at(0)}},
          std::pair{IPCSocket::GroupAccess, QStringList{own.at(0), own.at(1)}},
          std::pair{IPCSocket::WorldAccess, QStringList{own.at(0), own.at(1), everyone}}}) {
        IPCSocket listener, client;
        listener.setPath(socketPath());
        listener.setAccessMode(mode);
        client.setPath(socketPath());
        QVERIFY(listener.listen());
        QVERIFY(client.connect());
        PACL dacl = nullptr;
        PSECURITY_DESCRIPTOR descriptor = nullptr;
        QCOMPARE(::GetSecurityInfo(HANDLE(client.handle()), SE_KERNEL_OBJECT,
                                   DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                                   &descriptor),
                 DWORD(ERROR_SUCCESS));
        const auto freeDescriptor = qScopeGuard([&] { ::LocalFree(descriptor); });
        QVERIFY(dacl);
        QStringList allowed;
        for (DWORD i = 0; i < dacl->AceCount; ++i) {
            void *ace = nullptr;
            QVERIFY(::GetAce(dacl, i, &ace));
            const auto *header = static_cast<ACE_HEADER *>(ace);
            QCOMPARE(header->AceType, BYTE(ACCESS_ALLOWED_ACE_TYPE));
            allowed << sidText(&static_cast<ACCESS_ALLOWED_ACE *>(ace)->SidStart);
        }
        QCOMPARE(allowed, expected);
        client.close();
        listener.close();
    }
#endif
}

void tst_IPCSocket::countsLargerThanQsizetype()
{
    // Where qsizetype has 32 bits (armhf), 2^32 narrowed to it is 0 and
    // 2^32 + 5 is 5: a read asking for more than there is gets what there
    // is, and a write of more bytes than the process can hold is refused
    // with an error, instead of taking the wrapped count. On 64-bit
    // platforms the reads check counts up to qint64's largest.
    IPCSocket a, b;
    QVERIFY(connectPair(a, b));
    const qint64 wraps = qint64(1) << 32;
    QCOMPARE(a.write(QByteArray("hello world")), 11);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 11, Timeout);
    QCOMPARE(b.lookahead(QStringConverter::Utf8), QStringLiteral("hello world"));
    QCOMPARE(b.read(wraps + 5, QStringConverter::Utf8), QStringLiteral("hello world"));
    QCOMPARE(a.write(QByteArray("caf\xc3\xa9")), 5);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 5, Timeout);
    QCOMPARE(b.read(wraps, QStringConverter::Utf8), QStringLiteral("caf\u00e9"));
    QCOMPARE(a.write(QByteArray("!")), 1);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 1, Timeout);
    QCOMPARE(b.read(std::numeric_limits<qint64>::max(), QStringConverter::Utf8),
             QStringLiteral("!"));
    QCOMPARE(a.write(QByteArray("?")), 1);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 1, Timeout);
    QCOMPARE(b.readText(wraps + 2, QStringLiteral("UTF-8")), QStringLiteral("?"));
    // A read into memory gives what there is, at most maxSize: never more
    // than the 3 bytes there, whatever maxSize claims of the buffer.
    QCOMPARE(a.write(QByteArray("xyz")), 3);
    QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 3, Timeout);
    char buffer[16] = {};
    QCOMPARE(b.read(buffer, wraps + 1), qint64(3));
    QCOMPARE(QByteArray(buffer), QByteArray("xyz"));

    if constexpr (sizeof(qsizetype) < sizeof(qint64)) {
        // No buffer of 2^32 + 5 bytes exists in a 32-bit process: nothing
        // is read from data (5 bytes of it are there), nothing is sent.
        QSignalSpy errors(&a, &IPCSocket::error);
        const char data[] = "wrap!";
        QCOMPARE(a.write(data, wraps + 5), qint64(-1));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::OutOfMemoryError));
        const QString message = errors.at(0).at(1).toString();
        QVERIFY2(message.contains(socketPath()) && message.contains(QString::number(wraps + 5)),
                 qPrintable(message));
        QCOMPARE(a.errorString(), message);
        // The connection goes on, nothing of the refused write in it.
        QVERIFY(a.isConnected());
        QCOMPARE(a.write(QByteArray("after")), 5);
        QTRY_COMPARE_WITH_TIMEOUT(b.bytesAvailable(), 5, Timeout);
        QCOMPARE(b.readAll(), QByteArray("after"));
    }
}

QTEST_GUILESS_MAIN(tst_IPCSocket)
#include "tst_ipcsocket.moc"
