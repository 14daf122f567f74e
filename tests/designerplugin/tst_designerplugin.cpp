// SPDX-License-Identifier: BSD-3-Clause
#include "ui_form.h"

#include <ipcsocketwidget.h>

#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qpluginloader.h>
#include <QtCore/qxmlstream.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>
#include <QtUiPlugin/QDesignerCustomWidgetInterface>
#include <QtUiTools/quiloader.h>

class tst_DesignerPlugin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loads();
    void describesTheWidget();
    void domXmlNamesTheClass();
    void formCompiledByUic();
    void formLoadedAtRunTime();

private:
    QDesignerCustomWidgetInterface *plugin();
    QPluginLoader m_loader{QStringLiteral(IPCSOCKET_DESIGNER_PLUGIN)};
};

QDesignerCustomWidgetInterface *tst_DesignerPlugin::plugin()
{
    return qobject_cast<QDesignerCustomWidgetInterface *>(m_loader.instance());
}

// A round trip through a form's socket: the socket is real and works.
static void checkWorks(IPCSocketWidget *widget)
{
    QVERIFY(widget);
    QFile::remove(widget->path());
    IPCSocket peer;
    peer.setPath(widget->path());
    QVERIFY(widget->listen());
    QVERIFY(peer.connect());
    QTRY_VERIFY(widget->socket()->isConnected());
    peer.write(QByteArray("form"));
    QTRY_COMPARE(widget->socket()->bytesAvailable(), 4);
    QCOMPARE(widget->socket()->readAll(), QByteArray("form"));
}

void tst_DesignerPlugin::loads()
{
    QVERIFY2(m_loader.load(), qPrintable(m_loader.errorString()));
    QDesignerCustomWidgetInterface *interface = plugin();
    QVERIFY(interface);
    QVERIFY(!interface->isInitialized());
    interface->initialize(nullptr);
    QVERIFY(interface->isInitialized());
    QWidget parent;
    QWidget *widget = interface->createWidget(&parent);
    QVERIFY(qobject_cast<IPCSocketWidget *>(widget));
    QCOMPARE(widget->parent(), &parent);
    // No Designer core: a run-time widget, hidden.
    QVERIFY(!qobject_cast<IPCSocketWidget *>(widget)->isDesignMode());
}

void tst_DesignerPlugin::describesTheWidget()
{
    QDesignerCustomWidgetInterface *interface = plugin();
    QVERIFY(interface);
    QCOMPARE(interface->name(), QStringLiteral("IPCSocketWidget"));
    QCOMPARE(interface->includeFile(), QStringLiteral("ipcsocketwidget.h"));
    QVERIFY(!interface->isContainer());
    QVERIFY(!interface->group().isEmpty());
    QVERIFY(!interface->toolTip().isEmpty());
    QVERIFY(!interface->whatsThis().isEmpty());
    QVERIFY(!interface->icon().isNull());
    QVERIFY(!interface->icon().pixmap(32, 32).isNull());
}

void tst_DesignerPlugin::domXmlNamesTheClass()
{
    QDesignerCustomWidgetInterface *interface = plugin();
    QVERIFY(interface);
    QXmlStreamReader xml(interface->domXml());
    QStringList widgetClasses;
    QString customClass;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("widget"))
            widgetClasses.append(xml.attributes().value(QLatin1String("class")).toString());
        else if (xml.name() == QLatin1String("class"))
            customClass = xml.readElementText();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(widgetClasses, QStringList{QStringLiteral("IPCSocketWidget")});
    QCOMPARE(customClass, QStringLiteral("IPCSocketWidget"));
}

void tst_DesignerPlugin::formCompiledByUic()
{
    QWidget form;
    Ui::Form ui;
    ui.setupUi(&form);
    QCOMPARE(ui.ipcSocket1->path(), QStringLiteral("/tmp/ipcsocket-form-test.sock"));
    QCOMPARE(ui.ipcSocket1->accessMode(), IPCSocket::GroupAccess);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QVERIFY(!ui.ipcSocket1->isVisible());
    checkWorks(ui.ipcSocket1);
}

void tst_DesignerPlugin::formLoadedAtRunTime()
{
    QUiLoader loader;
    loader.clearPluginPaths();
    loader.addPluginPath(QFileInfo(QStringLiteral(IPCSOCKET_DESIGNER_PLUGIN)).absolutePath());
    QVERIFY(loader.availableWidgets().contains(QStringLiteral("IPCSocketWidget")));
    QFile file(QStringLiteral(FORM_UI));
    QVERIFY(file.open(QIODevice::ReadOnly));
    std::unique_ptr<QWidget> form(loader.load(&file));
    QVERIFY2(form, qPrintable(loader.errorString()));
    auto *widget = form->findChild<IPCSocketWidget *>(QStringLiteral("ipcSocket1"));
    QVERIFY(widget);
    QCOMPARE(widget->accessMode(), IPCSocket::GroupAccess);
    checkWorks(widget);
}

QTEST_MAIN(tst_DesignerPlugin)
#include "tst_designerplugin.moc"
