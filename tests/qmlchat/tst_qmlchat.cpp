// SPDX-License-Identifier: BSD-3-Clause
#include <ipcsocket.h>

#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

namespace {

constexpr int Timeout = 30000;

// A chat program in its own process; its output holds its rows.
struct Chat
{
    Chat(const QString &program, const QStringList &arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QML_IMPORT_PATH"),
                           QStringLiteral(IPCSOCKET_QML_IMPORT_DIR));
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
    }
    ~Chat()
    {
        process.kill();
        process.waitForFinished(Timeout);
    }
    bool said(const QString &text)
    {
        output += QString::fromUtf8(process.readAll());
        return output.contains(text);
    }
    QProcess process;
    QString output;
};

QStringList qmlChat(const QStringList &options)
{
    return QStringList{QStringLiteral(CHAT_QML), QStringLiteral("--")} + options;
}

} // namespace

class tst_QmlChat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void qmlListensCppConnects();
    void qmlAndWidgetsChat();

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/qchatXXXXXX")};
};

void tst_QmlChat::qmlListensCppConnects()
{
    const QString path = m_dir.filePath(QStringLiteral("a.sock"));
    Chat qml(QStringLiteral(QML_TOOL),
             qmlChat({QStringLiteral("--listen"), QStringLiteral("--path"), path}));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path) || qml.said(QStringLiteral("Error")), Timeout);
    QVERIFY2(QFile::exists(path), qPrintable(qml.output));
    IPCSocket socket;
    socket.setPath(path);
    QVERIFY(socket.connect());
    QTRY_VERIFY_WITH_TIMEOUT(qml.said(QStringLiteral("Connected")), Timeout);
    socket.write(QByteArray("hello QML, Grüße\n"));
    QTRY_VERIFY_WITH_TIMEOUT(qml.said(QStringLiteral("DataReceived: hello QML, Grüße")), Timeout);
}

void tst_QmlChat::qmlAndWidgetsChat()
{
    const QString path = m_dir.filePath(QStringLiteral("b.sock"));
    Chat widgets(QStringLiteral(CHATDEMO), {QStringLiteral("--listen"), QStringLiteral("--stdin"),
                                            QStringLiteral("--path"), path});
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), Timeout);
    Chat qml(QStringLiteral(QML_TOOL),
             qmlChat({QStringLiteral("--connect"), QStringLiteral("--path"), path,
                      QStringLiteral("--send"), QStringLiteral("from QML: 世界 🚀")}));
    QTRY_VERIFY_WITH_TIMEOUT(widgets.said(QStringLiteral("DataReceived: from QML: 世界 🚀")),
                             Timeout);
    widgets.process.write("from Widgets: Grüße\n");
    QTRY_VERIFY_WITH_TIMEOUT(qml.said(QStringLiteral("DataReceived: from Widgets: Grüße")),
                             Timeout);
}

QTEST_GUILESS_MAIN(tst_QmlChat)
#include "tst_qmlchat.moc"
