// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketpath_p.h"

#include <QtTest/qtest.h>

class tst_IPCSocketPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipeNameForPath_data();
    void pipeNameForPath();
    void pipeNamesDiffer();
    void permissions();
    void lengthLimitCountsUtf8Bytes();
};

void tst_IPCSocketPath::pipeNameForPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("pipe");
    QTest::newRow("drive") << QStringLiteral("C:\\Users\\Me\\chat.sock")
                           << QStringLiteral("ipcsocket/c:/users/me/chat.sock");
    QTest::newRow("forward slashes") << QStringLiteral("C:/Users/Me/chat.sock")
                                     << QStringLiteral("ipcsocket/c:/users/me/chat.sock");
    QTest::newRow("dots and doubles") << QStringLiteral("C:\\Users\\.\\Me\\x\\..\\\\chat.sock")
                                      << QStringLiteral("ipcsocket/c:/users/me/chat.sock");
    QTest::newRow("unc") << QStringLiteral("\\\\server\\share\\a.sock")
                         << QStringLiteral("ipcsocket//server/share/a.sock");
    QTest::newRow("unix") << QStringLiteral("/tmp/a.sock")
                          << QStringLiteral("ipcsocket/tmp/a.sock");
}

void tst_IPCSocketPath::pipeNameForPath()
{
    QFETCH(QString, path);
    QFETCH(QString, pipe);
    const QString name = IPCSocketPath::pipeNameForPath(path);
    QCOMPARE(name, pipe);
    QVERIFY(!name.contains(u'\\')); // the one character a pipe name may not hold
}

void tst_IPCSocketPath::pipeNamesDiffer()
{
    QVERIFY(IPCSocketPath::pipeNameForPath(QStringLiteral("C:\\a\\x.sock"))
            != IPCSocketPath::pipeNameForPath(QStringLiteral("C:\\b\\x.sock")));
}

void tst_IPCSocketPath::permissions()
{
    QCOMPARE(IPCSocketPath::permissions(IPCSocket::UserOnly), 0600);
    QCOMPARE(IPCSocketPath::permissions(IPCSocket::GroupAccess), 0660);
    QCOMPARE(IPCSocketPath::permissions(IPCSocket::WorldAccess), 0666);
}

void tst_IPCSocketPath::lengthLimitCountsUtf8Bytes()
{
    // 5 + 98 = 103 bytes: allowed; one two-byte character more is not.
    const QString fits = QStringLiteral("/tmp/") + QString(98, u'x');
    QCOMPARE(IPCSocketPath::check(fits, "listen on").code, 0);
    const QString tooLong = QStringLiteral("/tmp/") + QString(97, u'x') + u'ü';
    const IPCSocketFailure failure = IPCSocketPath::check(tooLong, "listen on");
    QCOMPARE(failure.code, int(IPCSocket::InvalidPathError));
    QVERIFY(failure.message.contains(QStringLiteral("104 bytes")));
    QVERIFY(failure.message.contains(tooLong));
}

QTEST_APPLESS_MAIN(tst_IPCSocketPath)
#include "tst_ipcsocketpath.moc"
