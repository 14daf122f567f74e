// SPDX-License-Identifier: BSD-3-Clause
// The test harness's own test: PeerProcess hears every line a peer prints,
// also after the peer has been silent for longer than Wine keeps an idle
// pool thread (the peer's KeepAlive, tests/ipcsocket/peer/main.cpp).
#include <peerprocess.h>
#include <socketfile.h>

#include <ipcsocket.h>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

class tst_PeerProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linesAfterLongSilence();
};

namespace {

constexpr int LongTimeout = 120000;

} // namespace

void tst_PeerProcess::linesAfterLongSilence()
{
#ifndef Q_OS_WIN
    QSKIP("For Windows: Wine cancels the read of a pipe from a peer that is silent for 5 s "
          "(see the peer's KeepAlive); Unix pipes have no such reader");
#endif
    QTemporaryDir dir(SocketFile::temporaryFolderTemplate(QStringLiteral("ipc")));
    QVERIFY(dir.isValid());
    // First a transfer, so that the pipes of this process have been served
    // by several threads.
    IPCSocket socket;
    socket.setPath(dir.filePath(QStringLiteral("s.sock")));
    QVERIFY(socket.listen());
    PeerProcess stream(QStringLiteral(IPCSOCKET_PEER),
                       {QStringLiteral("connect"), socket.path(), QStringLiteral("stream"),
                        QString::number(16 * 1024 * 1024)});
    QObject::connect(&socket, &IPCSocket::dataAvailable, this, [&] { socket.readAll(); });
    QVERIFY(!stream.waitForLine("sent ").isEmpty());

    PeerProcess first(QStringLiteral(IPCSOCKET_PEER),
                      {QStringLiteral("listen"), dir.filePath(QStringLiteral("a.sock")),
                       QStringLiteral("wait"), QStringLiteral("6000")});
    PeerProcess second(QStringLiteral(IPCSOCKET_PEER),
                       {QStringLiteral("listen"), dir.filePath(QStringLiteral("b.sock")),
                        QStringLiteral("wait"), QStringLiteral("6500")});
    QVERIFY(!first.waitForLine("waiting").isEmpty());
    QVERIFY(!second.waitForLine("waiting").isEmpty());
    const QByteArray firstLine = first.waitForLine("waited", LongTimeout);
    const QByteArray secondLine = second.waitForLine("waited", LongTimeout);
    QVERIFY2(!firstLine.isEmpty(), qPrintable(first.describe()));
    QVERIFY2(!secondLine.isEmpty(), qPrintable(second.describe()));
}

QTEST_GUILESS_MAIN(tst_PeerProcess)
#include "tst_peerprocess.moc"
