// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsockettext_p.h"

#include <QtTest/qtest.h>

using Encoding = QStringConverter::Encoding;

class tst_IPCSocketText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bytesToTake_data();
    void bytesToTake();
    void everyCutOfUtf8();
    void foundByTheFuzzer();
};

void tst_IPCSocketText::bytesToTake_data()
{
    QTest::addColumn<Encoding>("encoding");
    QTest::addColumn<QByteArray>("available");
    QTest::addColumn<int>("byteCount");
    QTest::addColumn<bool>("ended");
    QTest::addColumn<int>("expected");

    const QByteArray euro = "\xe2\x82\xac"; // 3 bytes
    const QByteArray rocket = "\xf0\x9f\x9a\x80"; // 4 bytes
    QTest::newRow("ascii, all") << Encoding::Utf8 << QByteArray("abc") << 10 << false << 3;
    QTest::newRow("ascii, limited") << Encoding::Utf8 << QByteArray("abc") << 2 << false << 2;
    QTest::newRow("nothing asked") << Encoding::Utf8 << QByteArray("abc") << 0 << false << 0;
    QTest::newRow("nothing there") << Encoding::Utf8 << QByteArray() << 5 << false << 0;
    QTest::newRow("partial tail waits")
            << Encoding::Utf8 << QByteArray("a" + euro.left(2)) << 10 << false << 1;
    QTest::newRow("partial tail at end")
            << Encoding::Utf8 << QByteArray("a" + euro.left(2)) << 10 << true << 3;
    QTest::newRow("limit cuts, rest here")
            << Encoding::Utf8 << QByteArray("a" + euro) << 2 << false << 1;
    QTest::newRow("limit cuts, stream ended")
            << Encoding::Utf8 << QByteArray("a" + euro) << 2 << true << 1;
    QTest::newRow("first longer than limit")
            << Encoding::Utf8 << QByteArray(rocket + "x") << 1 << false << 4;
    QTest::newRow("first incomplete") << Encoding::Utf8 << rocket.left(3) << 1 << false << 0;
    QTest::newRow("first incomplete, ended") << Encoding::Utf8 << rocket.left(3) << 1 << true << 3;
    QTest::newRow("invalid byte stands alone")
            << Encoding::Utf8 << QByteArray("\xff\xfe") << 1 << false << 1;
    QTest::newRow("stray continuation")
            << Encoding::Utf8 << QByteArray("\x80\x80") << 10 << false << 2;
    QTest::newRow("lead then ascii") << Encoding::Utf8
                                     << QByteArray("\xe2"
                                                   "a")
                                     << 10 << false << 2;
    QTest::newRow("latin1 any") << Encoding::Latin1 << QByteArray("\xe2\x82") << 1 << false << 1;
    QTest::newRow("utf16 odd byte")
            << Encoding::Utf16LE << QByteArray("a\0b", 3) << 10 << false << 2;
    QTest::newRow("utf16 high surrogate waits")
            << Encoding::Utf16LE << QByteArray("a\0\x3d\xd8", 4) << 10 << false << 2;
    QTest::newRow("utf16 pair longer than limit")
            << Encoding::Utf16BE << QByteArray("\xd8\x3d\xde\x80", 4) << 1 << false << 4;
    QTest::newRow("utf32 units") << Encoding::Utf32LE << QByteArray("a\0\0\0b\0", 6) << 10 << false
                                 << 4;
}

void tst_IPCSocketText::bytesToTake()
{
    QFETCH(Encoding, encoding);
    QFETCH(QByteArray, available);
    QFETCH(int, byteCount);
    QFETCH(bool, ended);
    QFETCH(int, expected);
    QCOMPARE(IPCSocketText::bytesToTake(encoding, available, byteCount, ended), expected);
}

void tst_IPCSocketText::everyCutOfUtf8()
{
    // Whatever piece of a text arrives, the decoded parts add up to the text.
    const QByteArray text = QStringLiteral("Grüße, 世界 🚀 x").toUtf8();
    for (qsizetype arrived = 0; arrived <= text.size(); ++arrived) {
        for (qsizetype count = 1; count <= text.size(); ++count) {
            QString decoded;
            qsizetype consumed = 0;
            qsizetype buffered = arrived;
            for (int guard = 0; guard < 100; ++guard) {
                const QByteArrayView available(text.constData() + consumed, buffered - consumed);
                const qsizetype take = IPCSocketText::bytesToTake(Encoding::Utf8, available, count,
                                                                  buffered == text.size());
                if (take == 0) {
                    if (buffered == text.size())
                        break;
                    buffered = text.size(); // the rest arrives
                    continue;
                }
                QStringDecoder decoder(Encoding::Utf8);
                decoded += decoder(available.first(take));
                QVERIFY(!decoder.hasError());
                consumed += take;
            }
            QCOMPARE(consumed, text.size());
            QCOMPARE(decoded, QString::fromUtf8(text));
        }
    }
}

void tst_IPCSocketText::foundByTheFuzzer()
{
    // fuzz/fuzz_text's findings. A lead byte whose sequence a later byte
    // breaks is one replacement character: read(1) took "\xe7A\xa3" (three
    // characters) before.
    QCOMPARE(IPCSocketText::bytesToTake(Encoding::Utf8,
                                        "\xe7"
                                        "A\xa3",
                                        1, false),
             1);
    QCOMPARE(IPCSocketText::decode(Encoding::Utf8, "\xe7"), QString(QChar::ReplacementCharacter));
    // A lone byte of a UTF-16 unit at the end of the stream: Qt's decoder
    // gives nothing for it alone, and the byte was lost.
    QCOMPARE(IPCSocketText::decode(Encoding::Utf16BE, "\x60"),
             QString(QChar::ReplacementCharacter));
    QCOMPARE(IPCSocketText::decode(Encoding::Utf32LE, QByteArrayView("a\0", 2)),
             QString(QChar::ReplacementCharacter));
    // A U+FEFF where a read starts is text, not a byte-order mark to drop
    // (every read decodes on its own).
    QCOMPARE(IPCSocketText::decode(Encoding::Utf8, "\xef\xbb\xbf"
                                                   "B"),
             QStringLiteral("\uFEFFB"));
}

QTEST_APPLESS_MAIN(tst_IPCSocketText)
#include "tst_ipcsockettext.moc"
