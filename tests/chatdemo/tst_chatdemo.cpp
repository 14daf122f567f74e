// SPDX-License-Identifier: BSD-3-Clause
#include "chatprotocol.h"
#include "chatwindow.h"
#include "socketfile.h"
#include "testprogram.h"

#include <ipcsocket.h>
#include <ipcsocketwidget.h>

#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qclipboard.h>
#include <QtTest/qtest.h>
#include <QtWidgets/qapplication.h>
#include <QtWidgets/qlistwidget.h>
#include <QtWidgets/qplaintextedit.h>
#include <QtWidgets/qpushbutton.h>

#include <memory>

namespace {

constexpr int Timeout = 20000;

// The window as a user sees it: its rows, its buttons, its text area.
struct Window
{
    explicit Window(const QString &path) : window(std::make_unique<ChatWindow>(path))
    {
        window->show();
    }
    QStringList rows() const
    {
        QStringList rows;
        auto *list = window->findChild<QListWidget *>(QStringLiteral("listBox"));
        for (int i = 0; i < list->count(); ++i)
            rows.append(list->item(i)->data(Qt::UserRole).toString());
        return rows;
    }
    QPushButton *button(const char *name) const
    {
        return window->findChild<QPushButton *>(QLatin1String(name));
    }
    QPlainTextEdit *textArea() const
    {
        return window->findChild<QPlainTextEdit *>(QStringLiteral("textArea"));
    }
    void click(const char *name) const { QTest::mouseClick(button(name), Qt::LeftButton); }
    // Types text key by key; what has no key of its own (ü, 世, 🚀) comes
    // as a key event that carries the character, as a keyboard layout or
    // an input method sends it.
    void typeText(const QString &text) const
    {
        for (qsizetype i = 0; i < text.size(); ++i) {
            const bool pair = text.at(i).isHighSurrogate() && i + 1 < text.size();
            const QString character = text.mid(i, pair ? 2 : 1);
            i += pair ? 1 : 0;
            if (character.at(0).unicode() < 0x7f)
                QTest::keyClicks(textArea(), character);
            else
                QTest::sendKeyEvent(QTest::Click, textArea(), Qt::Key_unknown, character,
                                    Qt::NoModifier);
        }
    }
    void type(const QString &text) const
    {
        typeText(text);
        QTest::keyClick(textArea(), Qt::Key_Return);
    }
    bool hasRowStartingWith(const QString &prefix) const
    {
        const QStringList all = rows();
        return std::any_of(all.begin(), all.end(),
                           [&](const QString &row) { return row.startsWith(prefix); });
    }

    std::unique_ptr<ChatWindow> window;
};

// A chatdemo process; its standard output is its rows.
struct Process
{
    explicit Process(const QStringList &arguments)
    {
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        startTestProgram(process, QStringLiteral(CHATDEMO), arguments);
    }
    ~Process()
    {
        process.kill();
        process.waitForFinished(Timeout);
    }
    QStringList rows()
    {
        output += QString::fromUtf8(process.readAllStandardOutput());
        QStringList rows = output.split(u'\n');
        for (QString &row : rows) {
            if (row.endsWith(u'\r')) // on Windows, stdout ends lines so
                row.chop(1);
        }
        return rows;
    }
    bool said(const QString &row) { return rows().contains(row); }
    bool saidRowStartingWith(const QString &prefix)
    {
        const QStringList all = rows();
        return std::any_of(all.begin(), all.end(),
                           [&](const QString &row) { return row.startsWith(prefix); });
    }
    QProcess process;
    QString output;
};

} // namespace

class tst_ChatDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void twoWindowsChat();
    void lineBreaksAndNonAscii();
    void emptyReturnSendsNothing();
    void pastedMegabyte();
    void failureRows();
    void connectBeforeListen();
    void peerWindowClosed();
    void cutMessageDoesNotLeakIntoNextConnection();
    void chatdemoProcess();
    void twoChatdemoProcesses();
    void commandLineHelp();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    void connectWindows(Window &a, Window &b);
};

void tst_ChatDemo::init()
{
    m_dir = std::make_unique<QTemporaryDir>(
            SocketFile::temporaryFolderTemplate(QStringLiteral("chat")));
    m_path = m_dir->filePath(QStringLiteral("chat.sock"));
}

void tst_ChatDemo::connectWindows(Window &a, Window &b)
{
    a.click("listenButton");
    QVERIFY(!a.button("listenButton")->isEnabled());
    QVERIFY(!a.button("connectButton")->isEnabled());
    QVERIFY(b.button("connectButton")->isEnabled());
    b.click("connectButton");
    QVERIFY(!b.button("listenButton")->isEnabled());
    QVERIFY(!b.button("connectButton")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(a.rows().value(a.rows().size() - 1), QStringLiteral("Connected"),
                              Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(b.rows().value(b.rows().size() - 1), QStringLiteral("Connected"),
                              Timeout);
}

void tst_ChatDemo::twoWindowsChat()
{
    Window a(m_path), b(m_path);
    QVERIFY(QTest::qWaitForWindowExposed(a.window.get()));
    QCOMPARE(QApplication::focusWidget(), b.textArea()); // typing starts at once
    QVERIFY(!a.window->windowIcon().isNull());
    QVERIFY(a.window->windowTitle().contains(m_path));
    QVERIFY(a.window->minimumSize().width() >= 300);
    // It resizes well: the list takes the room, the text area stays small.
    a.window->resize(800, 700);
    QTRY_VERIFY(a.window->findChild<QListWidget *>(QStringLiteral("listBox"))->height() > 400);
    QVERIFY(a.textArea()->height() <= 100);
    connectWindows(a, b);

    a.type(QStringLiteral("Hello from A"));
    QCOMPARE(a.textArea()->toPlainText(), QString()); // sent and cleared
    QTRY_VERIFY_WITH_TIMEOUT(b.rows().contains(QStringLiteral("DataReceived: Hello from A")),
                             Timeout);
    b.textArea()->setFocus();
    QTest::keyClicks(b.textArea(), QStringLiteral("And from B"));
    QTest::keyClick(b.textArea(), Qt::Key_Enter, Qt::KeypadModifier); // keypad Enter too
    QTRY_VERIFY_WITH_TIMEOUT(a.rows().contains(QStringLiteral("DataReceived: And from B")),
                             Timeout);
    QCOMPARE(b.textArea()->toPlainText(), QString());

    // Close: the other side is told, and both may start again.
    b.click("closeButton");
    QVERIFY(b.button("listenButton")->isEnabled());
    QVERIFY(b.button("connectButton")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(a.hasRowStartingWith(QStringLiteral("Error: 102 ")), Timeout);
    QVERIFY(a.button("listenButton")->isEnabled());
    QVERIFY(!b.hasRowStartingWith(QStringLiteral("Error")));

    // And the roles can swap.
    connectWindows(b, a);
}

void tst_ChatDemo::lineBreaksAndNonAscii()
{
    Window a(m_path), b(m_path);
    connectWindows(a, b);
    a.typeText(QStringLiteral("first line"));
    QTest::keyClick(a.textArea(), Qt::Key_Return, Qt::ShiftModifier);
    a.typeText(QStringLiteral("Grüße, 世界 🚀"));
    QCOMPARE(a.textArea()->toPlainText(), QStringLiteral("first line\nGrüße, 世界 🚀"));
    QTest::keyClick(a.textArea(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(b.rows().size() == 2, Timeout);
    QCOMPARE(b.rows().at(1), QStringLiteral("DataReceived: first line\nGrüße, 世界 🚀"));
}

void tst_ChatDemo::emptyReturnSendsNothing()
{
    Window a(m_path), b(m_path);
    connectWindows(a, b);
    QTest::keyClick(a.textArea(), Qt::Key_Return);
    QTest::keyClick(a.textArea(), Qt::Key_Return);
    QCOMPARE(a.textArea()->toPlainText(), QString()); // no newline inserted either
    a.type(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(b.rows().size(), 2, Timeout);
    QCOMPARE(b.rows().at(1), QStringLiteral("DataReceived: after")); // nothing before it
    QCOMPARE(a.rows(), QStringList{QStringLiteral("Connected")}); // and no error
}

void tst_ChatDemo::pastedMegabyte()
{
    Window a(m_path), b(m_path);
    connectWindows(a, b);
    QString big;
    for (int i = 0; big.size() < 1024 * 1024; ++i)
        big += QStringLiteral("%1 Grüße ").arg(i);
    QApplication::clipboard()->setText(big);
    QTest::keyClick(a.textArea(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(a.textArea()->toPlainText().size(), big.size());
    QTest::keyClick(a.textArea(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(b.rows().size(), 2, Timeout);
    QCOMPARE(b.rows().at(1), QStringLiteral("DataReceived: ") + big);
    // The window shows it cut short, and stays responsive.
    auto *list = b.window->findChild<QListWidget *>(QStringLiteral("listBox"));
    QVERIFY(list->item(1)->text().size() < 10000);
    a.type(QStringLiteral("still here"));
    QTRY_COMPARE_WITH_TIMEOUT(b.rows().size(), 3, Timeout);
}

void tst_ChatDemo::failureRows()
{
    // Nobody listening, for as long as the form's connectTimeout (made
    // short here) allows.
    Window lonely(m_path);
    lonely.window->socketWidget()->setConnectTimeout(200);
    lonely.click("connectButton");
    QVERIFY(!lonely.button("connectButton")->isEnabled()); // waiting
    QTRY_VERIFY_WITH_TIMEOUT(lonely.hasRowStartingWith(QStringLiteral("Error: 103 ")), Timeout);
    QVERIFY(lonely.rows().constFirst().contains(m_path));
    QVERIFY(lonely.rows().constFirst().contains(QStringLiteral("for 200 ms")));
    QVERIFY(lonely.button("connectButton")->isEnabled()); // try again later

    // A path in use by another window's listener.
    Window first(m_path), second(m_path);
    first.click("listenButton");
    second.click("listenButton");
    QVERIFY(second.hasRowStartingWith(QStringLiteral("Error: 105 ")));
    QVERIFY(second.button("listenButton")->isEnabled());

    // Typing while not connected: the error is shown, the text is kept.
    second.type(QStringLiteral("not yet"));
    QVERIFY(second.hasRowStartingWith(QStringLiteral("Error: 106 ")));
    QCOMPARE(second.textArea()->toPlainText(), QStringLiteral("not yet"));

    // Then the real peer arrives after all.
    QTest::keyClick(second.textArea(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(second.textArea(), Qt::Key_Delete);
    second.click("connectButton");
    QTRY_VERIFY_WITH_TIMEOUT(first.rows().contains(QStringLiteral("Connected")), Timeout);
}

void tst_ChatDemo::connectBeforeListen()
{
    // Connect pressed first in one window, Listen later in the other: the
    // form's connectTimeout (5 s) bridges the gap.
    Window a(m_path), b(m_path);
    QCOMPARE(b.window->socketWidget()->connectTimeout(), 5000);
    b.click("connectButton");
    QVERIFY(!b.button("connectButton")->isEnabled());
    QVERIFY(!b.button("listenButton")->isEnabled());
    QTest::qWait(300);
    QVERIFY(!b.hasRowStartingWith(QStringLiteral("Error")));
    a.click("listenButton");
    QTRY_VERIFY_WITH_TIMEOUT(a.rows().contains(QStringLiteral("Connected")), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(b.rows().contains(QStringLiteral("Connected")), Timeout);
    b.type(QStringLiteral("I was here first"));
    QTRY_VERIFY_WITH_TIMEOUT(a.rows().contains(QStringLiteral("DataReceived: I was here first")),
                             Timeout);
}

void tst_ChatDemo::peerWindowClosed()
{
    Window a(m_path);
    auto b = std::make_unique<Window>(m_path);
    connectWindows(a, *b);
    b->window->close();
    b.reset();
    QTRY_VERIFY_WITH_TIMEOUT(a.hasRowStartingWith(QStringLiteral("Error: 102 ")), Timeout);
}

void tst_ChatDemo::cutMessageDoesNotLeakIntoNextConnection()
{
    Window chat(m_path);
    chat.click("listenButton");
    IPCSocket peer;
    peer.setPath(m_path);
    QVERIFY(peer.connect());
    peer.write(QByteArray("cut sho")); // no end of line: the peer goes first
    peer.flush();
    QTRY_VERIFY_WITH_TIMEOUT(chat.rows().contains(QStringLiteral("Connected")), Timeout);
    peer.close();
    QTRY_VERIFY_WITH_TIMEOUT(chat.hasRowStartingWith(QStringLiteral("Error: 102 ")), Timeout);

    chat.click("listenButton");
    QVERIFY(peer.connect());
    peer.write(ChatProtocol::encode(QStringLiteral("whole")));
    QTRY_VERIFY_WITH_TIMEOUT(chat.hasRowStartingWith(QStringLiteral("DataReceived:")), Timeout);
    QCOMPARE(chat.rows().constLast(), QStringLiteral("DataReceived: whole"));
}

void tst_ChatDemo::chatdemoProcess()
{
    Process chat({QStringLiteral("--listen"), QStringLiteral("--path"), m_path});
    IPCSocket socket;
    socket.setPath(m_path);
    QTRY_VERIFY_WITH_TIMEOUT(SocketFile::exists(m_path), Timeout);
    QVERIFY(socket.connect());
    QTRY_VERIFY_WITH_TIMEOUT(chat.said(QStringLiteral("Connected")), Timeout);
    // Sent in two pieces, cut inside a character: still one row.
    const QByteArray message = ChatProtocol::encode(QStringLiteral("from a test, Grüße"));
    socket.write(message.left(message.size() - 3));
    socket.flush();
    QTest::qWait(100);
    socket.write(message.right(3));
    QTRY_VERIFY_WITH_TIMEOUT(chat.said(QStringLiteral("DataReceived: from a test, Grüße")),
                             Timeout);
    socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(chat.saidRowStartingWith(QStringLiteral("Error: 102 ")), Timeout);
}

void tst_ChatDemo::twoChatdemoProcesses()
{
    Process listener({QStringLiteral("--listen"), QStringLiteral("--path"), m_path});
    QTRY_VERIFY_WITH_TIMEOUT(SocketFile::exists(m_path), Timeout);
    Process connector({QStringLiteral("--connect"), QStringLiteral("--stdin"),
                       QStringLiteral("--path"), m_path});
    QTRY_VERIFY_WITH_TIMEOUT(listener.said(QStringLiteral("Connected")), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(connector.said(QStringLiteral("Connected")), Timeout);
    connector.process.write("Hallo, 世界\n");
    QTRY_VERIFY_WITH_TIMEOUT(listener.said(QStringLiteral("DataReceived: Hallo, 世界")), Timeout);
#ifdef Q_OS_WIN
    // terminate() asks a Windows program's windows to close, and an
    // offscreen one has none the system knows: the process is ended.
    listener.process.kill();
#else
    listener.process.terminate();
#endif
    QTRY_VERIFY_WITH_TIMEOUT(connector.saidRowStartingWith(QStringLiteral("Error: 102 ")), Timeout);
}

void tst_ChatDemo::commandLineHelp()
{
    QProcess help;
    startTestProgram(help, QStringLiteral(CHATDEMO), {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(Timeout));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    for (const char *option : {"--path", "--listen", "--connect", "--stdin"})
        QVERIFY2(text.contains(option), option);
}

QTEST_MAIN(tst_ChatDemo)
#include "tst_chatdemo.moc"
