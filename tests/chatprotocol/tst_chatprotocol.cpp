// SPDX-License-Identifier: BSD-3-Clause
#include "chatprotocol.h"

#include <QtTest/qtest.h>

class tst_ChatProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void oneLineAMessage();
    void messageInPieces();
    void socatLines();
};

void tst_ChatProtocol::roundTrip_data()
{
    QTest::addColumn<QString>("message");
    QTest::newRow("plain") << QStringLiteral("hello");
    QTest::newRow("empty") << QString();
    QTest::newRow("line breaks") << QStringLiteral("one\ntwo\r\nthree\n");
    QTest::newRow("backslashes") << QStringLiteral("C:\\path\\n not a newline \\\\");
    QTest::newRow("non-ASCII") << QStringLiteral("Grüße, 世界 🚀");
}

void tst_ChatProtocol::roundTrip()
{
    QFETCH(QString, message);
    const QByteArray line = ChatProtocol::encode(message);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QCOMPARE(ChatProtocol::decode(line.chopped(1)), message);
}

void tst_ChatProtocol::oneLineAMessage()
{
    ChatProtocol::Reader reader;
    reader.append(ChatProtocol::encode(QStringLiteral("a\nb"))
                  + ChatProtocol::encode(QStringLiteral("c")));
    QCOMPARE(reader.takeMessages(), (QStringList{QStringLiteral("a\nb"), QStringLiteral("c")}));
    QCOMPARE(reader.pendingBytes(), 0);
}

void tst_ChatProtocol::messageInPieces()
{
    // Cut anywhere, even inside a UTF-8 character: one whole message.
    const QString message = QStringLiteral("Grüße, 世界 🚀\nzweite Zeile");
    const QByteArray line = ChatProtocol::encode(message);
    for (qsizetype cut = 1; cut < line.size(); ++cut) {
        ChatProtocol::Reader reader;
        reader.append(line.left(cut));
        QVERIFY(reader.takeMessages().isEmpty());
        reader.append(line.mid(cut));
        QCOMPARE(reader.takeMessages(), QStringList{message});
    }
}

void tst_ChatProtocol::socatLines()
{
    ChatProtocol::Reader reader;
    reader.append("typed in a terminal\r\n");
    QCOMPARE(reader.takeMessages(), QStringList{QStringLiteral("typed in a terminal")});
}

QTEST_APPLESS_MAIN(tst_ChatProtocol)
#include "tst_chatprotocol.moc"
