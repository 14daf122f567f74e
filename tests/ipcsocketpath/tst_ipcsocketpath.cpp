// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketpath_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qset.h>
#include <QtTest/qtest.h>

class tst_IPCSocketPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipeNameForPath_data();
    void pipeNameForPath();
    void pipeNamesDiffer();
    void pipeNameOfRelativePath();
    void permissions();
    void lengthLimitCountsUtf8Bytes();
};

void tst_IPCSocketPath::pipeNameForPath_data()
{
    // Windows paths, whatever the platform: the rules are plain text.
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("pipe");
    const QString chat = QStringLiteral("ipcsocket/C:/USERS/ME/CHAT.SOCK");
    QTest::newRow("drive") << QStringLiteral("C:\\Users\\Me\\chat.sock") << chat;
    QTest::newRow("forward slashes") << QStringLiteral("C:/Users/Me/chat.sock") << chat;
    QTest::newRow("mixed slashes") << QStringLiteral("c:\\users/me\\chat.sock") << chat;
    QTest::newRow("case") << QStringLiteral("c:\\USERS\\me\\Chat.Sock") << chat;
    QTest::newRow("dots and doubles")
            << QStringLiteral("C:\\Users\\.\\Me\\x\\..\\\\chat.sock") << chat;
    QTest::newRow("trailing dots and spaces")
            << QStringLiteral("C:\\Users\\Me\\chat.sock. .") << chat;
    QTest::newRow("long-path prefix") << QStringLiteral("\\\\?\\C:\\Users\\Me\\chat.sock") << chat;
    QTest::newRow("device prefix") << QStringLiteral("\\\\.\\C:\\Users\\Me\\chat.sock") << chat;
    QTest::newRow("unc") << QStringLiteral("\\\\server\\share\\a.sock")
                         << QStringLiteral("ipcsocket///SERVER/SHARE/A.SOCK");
    QTest::newRow("unc, long-path prefix") << QStringLiteral("\\\\?\\UNC\\server\\share\\a.sock")
                                           << QStringLiteral("ipcsocket///SERVER/SHARE/A.SOCK");
    QTest::newRow("accented") << QStringLiteral("C:\\Caf\u00e9\\\u00e9t\u00e9.sock")
                              << QStringLiteral("ipcsocket/C:/CAF\u00c9/\u00c9T\u00c9.SOCK");
    // No pair that maps back and forth: left as they are.
    QTest::newRow("sharp s") << QStringLiteral("C:\\stra\u00dfe.sock")
                             << QStringLiteral("ipcsocket/C:/STRA\u00dfE.SOCK");
    QTest::newRow("dotless i") << QStringLiteral("C:\\\u0131.sock")
                               << QStringLiteral("ipcsocket/C:/\u0131.SOCK");
}

void tst_IPCSocketPath::pipeNameForPath()
{
    QFETCH(QString, path);
    QFETCH(QString, pipe);
    const QString name = IPCSocketPath::pipeNameForAbsolutePath(path);
    QCOMPARE(name, pipe);
    QVERIFY(!name.contains(u'\\')); // the one character a pipe name may not hold
}

void tst_IPCSocketPath::pipeNamesDiffer()
{
    // Two files, two pipes: nothing that tells files apart is folded away.
    const QStringList files = {
            QStringLiteral("C:\\a\\x.sock"),
            QStringLiteral("C:\\b\\x.sock"),
            QStringLiteral("D:\\a\\x.sock"),
            QStringLiteral("C:\\a\\x.sock2"),
            QStringLiteral("C:\\a\\x .sock"),
            QStringLiteral("C:\\ab\\c.sock"),
            QStringLiteral("C:\\a\\bc.sock"),
            QStringLiteral("C:\\a\\b\\c.sock"),
            QStringLiteral("\\\\a\\x.sock"),
            QStringLiteral("\\\\server\\share\\x.sock"),
            QStringLiteral("C:\\server\\share\\x.sock"),
            QStringLiteral("C:\\k.sock"),
            QStringLiteral("C:\\\u212a.sock"), // KELVIN SIGN: "k" in lower case
            QStringLiteral("C:\\s.sock"),
            QStringLiteral("C:\\\u017f.sock"), // LONG S: "S" in upper case
            QStringLiteral("C:\\i.sock"),
            QStringLiteral("C:\\\u0131.sock"), // DOTLESS I: "I" in upper case
            QStringLiteral("C:\\\u0130.sock"), // I WITH DOT ABOVE: "i" in lower case
            QStringLiteral("C:\\ss.sock"),
            QStringLiteral("C:\\\u00df.sock"), // SHARP S: "SS" in full upper case
            QStringLiteral("C:\\\U0001F600.sock"), // outside the BMP
    };
    QSet<QString> names;
    for (const QString &file : files) {
        const QString name = IPCSocketPath::pipeNameForAbsolutePath(file);
        QVERIFY2(!names.contains(name), qPrintable(file + QStringLiteral(" -> ") + name));
        names.insert(name);
    }
}

void tst_IPCSocketPath::pipeNameOfRelativePath()
{
    // Relative to the current directory: every spelling of one file is one
    // pipe, and the name does not change from call to call.
    const QString absolute = QDir::current().absoluteFilePath(QStringLiteral("r.sock"));
    const QString pipe = IPCSocketPath::pipeNameForPath(absolute);
    QCOMPARE(IPCSocketPath::pipeNameForPath(QStringLiteral("r.sock")), pipe);
    QCOMPARE(IPCSocketPath::pipeNameForPath(QStringLiteral("./r.sock")), pipe);
    QCOMPARE(IPCSocketPath::pipeNameForPath(QStringLiteral("x/../r.sock")), pipe);
    QCOMPARE(IPCSocketPath::pipeNameForPath(QDir::toNativeSeparators(absolute)), pipe);
    QCOMPARE(IPCSocketPath::pipeNameForPath(QStringLiteral("r.sock")), pipe);
    QVERIFY(pipe != IPCSocketPath::pipeNameForPath(QStringLiteral("r2.sock")));
    QVERIFY(pipe.startsWith(QStringLiteral("ipcsocket/")));
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
