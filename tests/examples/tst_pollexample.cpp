// SPDX-License-Identifier: BSD-3-Clause
// Runs examples/poll as a reader would: the listener and the connector as
// two processes that talk through a real socket file.
#include "testprogram.h"

#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

namespace {

constexpr int Timeout = 20000;

QStringList outputLines(QProcess &process)
{
    QString text = QString::fromUtf8(process.readAllStandardOutput());
#ifdef Q_OS_WIN
    text.remove(u'\r'); // the console's text mode ends lines with "\r\n"
#endif
    return text.split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

class tst_PollExample : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listenerAndConnectorTalk();
    void connectWithoutListenerFails();
    void usage();
};

void tst_PollExample::listenerAndConnectorTalk()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("poll.sock"));

    QProcess listener;
    startTestProgram(listener, QStringLiteral(POLL_EXAMPLE), {QStringLiteral("listen"), path});
    QVERIFY2(listener.waitForStarted(Timeout), qPrintable(listener.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
            (listener.waitForReadyRead(100), listener.peek(4096).contains("listening on")),
            Timeout);

    const QStringList lines{QStringLiteral("hello"), QStringLiteral("Grüße, 世界"),
                            QStringLiteral("bye")};
    QProcess connector;
    startTestProgram(connector, QStringLiteral(POLL_EXAMPLE),
                     QStringList{QStringLiteral("connect"), path} + lines);
    QVERIFY(connector.waitForFinished(Timeout));
    QCOMPARE(connector.exitStatus(), QProcess::NormalExit);
    QVERIFY2(connector.exitCode() == 0, connector.readAllStandardError().constData());
    QCOMPARE(outputLines(connector),
             (QStringList{QStringLiteral("connected"), QStringLiteral("received: echo: hello"),
                          QStringLiteral("received: echo: Grüße, 世界"),
                          QStringLiteral("received: echo: bye")}));

    // The connector's close() is the listener's 102: it ends by itself.
    QVERIFY(listener.waitForFinished(Timeout));
    QVERIFY2(listener.exitCode() == 0, listener.readAllStandardError().constData());
    QCOMPARE(
            outputLines(listener),
            (QStringList{QStringLiteral("listening on ") + path, QStringLiteral("connected"),
                         QStringLiteral("received: hello"), QStringLiteral("received: Grüße, 世界"),
                         QStringLiteral("received: bye"), QStringLiteral("the peer left")}));
    QVERIFY(!QFile::exists(path));
}

void tst_PollExample::connectWithoutListenerFails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("nobody.sock"));
    QProcess connector;
    startTestProgram(connector, QStringLiteral(POLL_EXAMPLE),
                     {QStringLiteral("connect"), path, QStringLiteral("hello")});
    QVERIFY(connector.waitForFinished(Timeout));
    QCOMPARE(connector.exitCode(), 1);
    const QString error = QString::fromUtf8(connector.readAllStandardError());
    QVERIFY2(error.startsWith(QStringLiteral("error 103: ")) && error.contains(path),
             qPrintable(error));
}

void tst_PollExample::usage()
{
    QProcess process;
    startTestProgram(process, QStringLiteral(POLL_EXAMPLE), {QStringLiteral("serve")});
    QVERIFY(process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardError().startsWith("usage: ipcsocket-poll listen PATH"));
}

QTEST_GUILESS_MAIN(tst_PollExample)
#include "tst_pollexample.moc"
