// SPDX-License-Identifier: BSD-3-Clause
// scripts/run-demo.sh as a user without a display runs it: both windows on
// a virtual X server (xvfb-run), and the lines typed in the terminal arrive
// at the other window, whose rows are printed.
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <csignal>
#include <cerrno>
#include <unistd.h>

namespace {

constexpr int Timeout = 30000;

void killGroup(QProcess &demo)
{
    if (demo.state() != QProcess::NotRunning) {
        ::kill(-pid_t(demo.processId()), SIGKILL);
        demo.waitForFinished(Timeout);
    }
}

} // namespace

class tst_RunDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void terminalLinesArriveAtTheOtherWindow();
    void endOfInputEndsTheDemoOnceTheLinesArrived();

private:
    // Starts the script's window part on a virtual X server, in a process
    // group of its own that the returned guard ends whatever happens.
    void startDemo(QProcess &demo, const QTemporaryDir &dir);
    // Everything the script printed so far.
    QString waitForOutput(QProcess &process, const QString &expected);
    QString m_output;
};

QString tst_RunDemo::waitForOutput(QProcess &process, const QString &expected)
{
    const QDeadlineTimer deadline(Timeout);
    while (!m_output.contains(expected) && !deadline.hasExpired()
           && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        m_output += QString::fromUtf8(process.readAllStandardOutput());
    }
    return m_output;
}

void tst_RunDemo::startDemo(QProcess &demo, const QTemporaryDir &dir)
{
    const QString xvfbRun = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
    QVERIFY2(!xvfbRun.isEmpty(), "xvfb-run is missing (scripts/install-deps.sh installs it)");
    QVERIFY(dir.isValid());
    m_output.clear();

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QLatin1String(name));
    environment.insert(QStringLiteral("IPCSOCKET_CHATDEMO"), QStringLiteral(CHATDEMO));
    environment.insert(QStringLiteral("IPCSOCKET_DEMO_PATH"),
                       dir.filePath(QStringLiteral("demo.sock")));

    demo.setProcessEnvironment(environment);
    demo.setProcessChannelMode(QProcess::MergedChannels);
    // Its own process group, so that the end of the test ends the windows
    // and the X server too, whatever the script does.
    demo.setChildProcessModifier([] { ::setsid(); });
    demo.start(xvfbRun,
               {QStringLiteral("-a"), QStringLiteral(RUN_DEMO), QStringLiteral("--windows-only")});
    QVERIFY2(demo.waitForStarted(Timeout), qPrintable(demo.errorString()));
}

void tst_RunDemo::terminalLinesArriveAtTheOtherWindow()
{
    QTemporaryDir dir;
    QProcess demo;
    const auto cleanup = qScopeGuard([&demo] { killGroup(demo); });
    startDemo(demo, dir);
    if (QTest::currentTestFailed())
        return;

    // Both windows connected, in either order: the listener announces its
    // peer as soon as it accepts it.
    for (const QString &row :
         {QStringLiteral("[listener] Connected"), QStringLiteral("[connector] Connected")})
        QVERIFY2(waitForOutput(demo, row).contains(row), qPrintable(m_output));
    demo.write("hello from the terminal\n");
    demo.write(QStringLiteral("Grüße, 世界\n").toUtf8());
    QVERIFY2(waitForOutput(demo, QStringLiteral("[listener] DataReceived: Grüße, 世界"))
                     .contains(QStringLiteral("[listener] DataReceived: Grüße, 世界")),
             qPrintable(m_output));
    QVERIFY2(m_output.contains(QStringLiteral("[listener] DataReceived: hello from the terminal\n"
                                              "[listener] DataReceived: Grüße, 世界")),
             qPrintable(m_output));

    // Ctrl+C ends the demo: both windows and the X server go.
    const pid_t group = pid_t(demo.processId());
    QCOMPARE(::kill(-group, SIGINT), 0);
    QVERIFY(demo.waitForFinished(Timeout));
    const auto groupIsGone = [group] { return ::kill(-group, 0) == -1 && errno == ESRCH; };
    QTRY_VERIFY_WITH_TIMEOUT(groupIsGone(), Timeout);
}

// The end of the input (Ctrl+D, or the end of a pipe) ends the demo, once
// both windows are connected and every line sent has arrived: lines given
// before the windows are connected wait for them instead of being refused.
void tst_RunDemo::endOfInputEndsTheDemoOnceTheLinesArrived()
{
    QTemporaryDir dir;
    QProcess demo;
    const auto cleanup = qScopeGuard([&demo] { killGroup(demo); });
    startDemo(demo, dir);
    if (QTest::currentTestFailed())
        return;
    demo.write("first, given before any window is up\n");
    demo.write("second\n");
    demo.closeWriteChannel();

    const pid_t group = pid_t(demo.processId());
    const bool finished = demo.waitForFinished(2 * Timeout);
    m_output += QString::fromUtf8(demo.readAllStandardOutput());
    QVERIFY2(finished, qPrintable(m_output));
    QVERIFY2(demo.exitStatus() == QProcess::NormalExit && demo.exitCode() == 0,
             qPrintable(m_output));
    for (const QString &row :
         {QStringLiteral("[listener] Connected"), QStringLiteral("[connector] Connected"),
          QStringLiteral("[listener] DataReceived: first, given before any window is up\n"
                         "[listener] DataReceived: second\n")})
        QVERIFY2(m_output.contains(row), qPrintable(m_output));
    const auto groupIsGone = [group] { return ::kill(-group, 0) == -1 && errno == ESRCH; };
    QTRY_VERIFY_WITH_TIMEOUT(groupIsGone(), Timeout);
}

QTEST_GUILESS_MAIN(tst_RunDemo)
#include "tst_rundemo.moc"
