// SPDX-License-Identifier: BSD-3-Clause
// The QML chat's window as a user sees it: the rows it shows, not only the
// ones it prints.
#include <ipcsocket.h>

#include <QtCore/qtemporarydir.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

namespace {

constexpr int Timeout = 30000;

// The texts of the labels shown in the window, the rows among them. The
// list view's rows are its visual children only, hence childItems().
void collectLabelTexts(const QQuickItem *item, QStringList *texts)
{
    if (item->inherits("QQuickLabel") && item->isVisible())
        texts->append(item->property("text").toString());
    for (const QQuickItem *child : item->childItems())
        collectLabelTexts(child, texts);
}

QStringList labelTexts(QQuickWindow *window)
{
    QStringList texts;
    collectLabelTexts(window->contentItem(), &texts);
    return texts;
}

} // namespace

class tst_QmlChatRows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsShowWhatArrived();
};

void tst_QmlChatRows::rowsShowWhatArrived()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("rows.sock"));

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral(IPCSOCKET_QML_IMPORT_DIR));
    engine.load(QUrl::fromLocalFile(QStringLiteral(CHAT_QML)));
    QCOMPARE(engine.rootObjects().size(), 1);
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    QVERIFY(window);
    // Without options on the command line the window waits; Listen, as its
    // button does.
    auto *chatSocket = window->findChild<IPCSocket *>();
    QVERIFY(chatSocket);
    chatSocket->setPath(path);
    QVERIFY(chatSocket->listen());

    IPCSocket peer;
    peer.setPath(path);
    QVERIFY(peer.connect());
    QTRY_VERIFY_WITH_TIMEOUT(labelTexts(window).contains(QStringLiteral("Connected")), Timeout);
    peer.write(QByteArray("hello rows, Grüße\n"));
    QTRY_VERIFY_WITH_TIMEOUT(
            labelTexts(window).contains(QStringLiteral("DataReceived: hello rows, Grüße")),
            Timeout);
}

QTEST_MAIN(tst_QmlChatRows)
#include "tst_qmlchatrows.moc"
