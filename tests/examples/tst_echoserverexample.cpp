// SPDX-License-Identifier: BSD-3-Clause
// examples/echoserver as a user runs it: the server and several clients,
// each its own process, one of them started before the server.

#include <socketfile.h>
#include <testprogram.h>

#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

namespace {

constexpr int Timeout = 20000;

QString waitForLine(QProcess &process, const QString &prefix, QString *seen)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < Timeout) {
        while (process.canReadLine()) {
            const QString line = QString::fromUtf8(process.readLine()).trimmed();
            *seen += line + u'\n';
            if (line.startsWith(prefix))
                return line;
        }
        if (!process.waitForReadyRead(100) && process.state() == QProcess::NotRunning
            && !process.canReadLine())
            break;
    }
    return {};
}

} // namespace

class tst_EchoServerExample : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void severalClientsAtOnce();
};

void tst_EchoServerExample::severalClientsAtOnce()
{
    QTemporaryDir dir(SocketFile::temporaryFolderTemplate(QStringLiteral("echo")));
    const QString path = dir.filePath(QStringLiteral("echo.socket"));

    // This one starts first and waits for the server (connectTimeout).
    auto early = std::make_unique<QProcess>();
    startTestProgram(*early, QStringLiteral(ECHOCLIENT), {QStringLiteral("early bird"), path});
    QVERIFY(early->waitForStarted(Timeout));

    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    startTestProgram(server, QStringLiteral(ECHOSERVER), {path});
    QString serverSaid;
    QVERIFY(!waitForLine(server, QStringLiteral("listening on ") + path, &serverSaid).isEmpty());

    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<QProcess>());
        startTestProgram(*clients.back(), QStringLiteral(ECHOCLIENT),
                         {QStringLiteral("client %1 says hi").arg(i), path});
    }
    clients.push_back(std::move(early));
    QList<qint64> pids;
    for (size_t i = 0; i < clients.size(); ++i) {
        QProcess &client = *clients[i];
        pids.append(client.processId());
        const QString words
                = i < 4 ? QStringLiteral("client %1 says hi").arg(i) : QStringLiteral("early bird");
        QString clientSaid;
        QCOMPARE(waitForLine(client, QStringLiteral("echo: "), &clientSaid),
                 QStringLiteral("echo: ") + words);
        QVERIFY2(clientSaid.contains(
                         QStringLiteral("connected to process %1").arg(server.processId())),
                 qPrintable(clientSaid));
        QVERIFY(client.waitForFinished(Timeout));
        QCOMPARE(client.exitCode(), 0);
    }
    // The server said who each of them was, and saw each one go.
    for (const qint64 pid : pids) {
        const QString who = QStringLiteral("process %1, user ").arg(pid);
        if (!serverSaid.contains(QStringLiteral("gone: ") + who))
            waitForLine(server, QStringLiteral("gone: ") + who, &serverSaid);
        QVERIFY2(serverSaid.contains(QStringLiteral("connected: ") + who), qPrintable(serverSaid));
        QVERIFY2(serverSaid.contains(QStringLiteral("gone: ") + who), qPrintable(serverSaid));
    }
    // The user by name and number where there are numbers (Unix).
    const qint64 uid = SocketFile::currentUserId();
    const QString user = uid >= 0 ? QStringLiteral("(%1)").arg(uid) : QStringLiteral("user -1");
    QVERIFY2(serverSaid.contains(user), qPrintable(serverSaid));
    server.kill();
    server.waitForFinished(Timeout);
}

QTEST_GUILESS_MAIN(tst_EchoServerExample)
#include "tst_echoserverexample.moc"
