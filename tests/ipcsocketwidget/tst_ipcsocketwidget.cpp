// SPDX-License-Identifier: BSD-3-Clause
#include <ipcsocketwidget.h>

#include <QtCore/qmetaobject.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>
#include <QtWidgets/qboxlayout.h>

class tst_IPCSocketWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invisibleAtRunTime();
    void designModeShowsIcon();
    void propertiesForDesigner();
    void forwardsToItsSocket();
    void slotsAndSignalsForDesigner();
};

void tst_IPCSocketWidget::invisibleAtRunTime()
{
    QWidget form;
    auto *layout = new QVBoxLayout(&form);
    auto *widget = new IPCSocketWidget(&form);
    layout->addWidget(widget);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QVERIFY(!widget->isVisible());
    QVERIFY(!widget->isDesignMode());
}

void tst_IPCSocketWidget::designModeShowsIcon()
{
    QWidget form;
    auto *widget = new IPCSocketWidget(&form);
    widget->setDesignMode(true);
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QVERIFY(widget->isVisible());
    QCOMPARE(widget->sizeHint(), QSize(32, 32));
    widget->resize(widget->sizeHint());
    // The icon is painted: the grab is not all one colour.
    const QImage image = widget->grab().toImage();
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 3);
}

void tst_IPCSocketWidget::propertiesForDesigner()
{
    const QMetaObject &meta = IPCSocketWidget::staticMetaObject;
    for (const char *name : {"path", "accessMode", "connectTimeout"}) {
        const QMetaProperty property = meta.property(meta.indexOfProperty(name));
        QVERIFY2(property.isValid(), name);
        QVERIFY(property.isDesignable());
        QVERIFY(property.isWritable());
        QVERIFY(property.hasNotifySignal());
    }
    // Designer offers the access modes by name.
    const QMetaProperty mode = meta.property(meta.indexOfProperty("accessMode"));
    QVERIFY(mode.isEnumType());
    QCOMPARE(mode.enumerator().keyToValue("WorldAccess"), int(IPCSocket::WorldAccess));

    IPCSocketWidget widget;
    QVERIFY(widget.setProperty("accessMode", QStringLiteral("GroupAccess")));
    QCOMPARE(widget.socket()->accessMode(), IPCSocket::GroupAccess);
    QVERIFY(widget.setProperty("path", QStringLiteral("/tmp/x.sock")));
    QCOMPARE(widget.socket()->path(), QStringLiteral("/tmp/x.sock"));
}

void tst_IPCSocketWidget::forwardsToItsSocket()
{
    QTemporaryDir dir(QStringLiteral("/tmp/ipcwXXXXXX"));
    IPCSocketWidget listener, connector;
    QCOMPARE(listener.socket()->parent(), &listener);
    QSignalSpy pathChanged(&listener, &IPCSocketWidget::pathChanged);
    listener.setPath(dir.filePath(QStringLiteral("w.sock")));
    QCOMPARE(pathChanged.size(), 1);
    connector.socket()->setPath(listener.path()); // either way round
    QCOMPARE(connector.path(), listener.path());

    QSignalSpy listenerConnected(&listener, &IPCSocketWidget::connected);
    QSignalSpy connectorConnected(&connector, &IPCSocketWidget::connected);
    QSignalSpy data(&connector, &IPCSocketWidget::dataAvailable);
    QSignalSpy errors(&connector, &IPCSocketWidget::error);
    QVERIFY(listener.listen());
    QVERIFY(connector.connect());
    QTRY_COMPARE(listenerConnected.size(), 1);
    QTRY_COMPARE(connectorConnected.size(), 1);
    listener.socket()->write(QByteArray("via the form"));
    QVERIFY(listener.flush());
    QTRY_VERIFY(data.size() >= 1);
    QCOMPARE(connector.socket()->readAll(), QByteArray("via the form"));
    listener.close();
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::LostConnection));
    QVERIFY(errors.at(0).at(1).toString().contains(listener.path()));
}

void tst_IPCSocketWidget::slotsAndSignalsForDesigner()
{
    // What Designer's signal/slot editor lists: by signature, as in .ui files.
    const QMetaObject &meta = IPCSocketWidget::staticMetaObject;
    for (const char *slot : {"listen()", "connect()", "close()", "flush()"})
        QVERIFY2(meta.indexOfSlot(slot) >= 0, slot);
    for (const char *signal : {"connected()", "dataAvailable()", "error(int,QString)"})
        QVERIFY2(meta.indexOfSignal(signal) >= 0, signal);
}

QTEST_MAIN(tst_IPCSocketWidget)
#include "tst_ipcsocketwidget.moc"
