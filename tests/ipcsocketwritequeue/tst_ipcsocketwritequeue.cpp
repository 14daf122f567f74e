// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketwritequeue_p.h"

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <vector>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2
#endif

namespace {

struct Piece
{
    const char *data;
    qsizetype size;
};

// The front of the queue as a send would get it.
std::vector<Piece> pieces(const IPCSocketWriteQueue &queue, int maxCount = 1 << 20)
{
    std::vector<Piece> result;
    const int count = queue.gather(maxCount, [&](const char *data, qsizetype size) {
        result.push_back({data, size});
    });
    if (count != int(result.size()))
        qFatal("gather() said %d pieces and offered %d", count, int(result.size()));
    return result;
}

// Everything queued, in order.
QByteArray contents(const IPCSocketWriteQueue &queue)
{
    QByteArray all;
    for (const Piece &piece : pieces(queue))
        all.append(piece.data, piece.size);
    return all;
}

// Where a piece lies (QCOMPARE would compare char pointers as strings).
const void *at(const char *data)
{
    return data;
}

// Bytes that tell their place: a byte out of order or twice shows.
QByteArray pattern(qsizetype size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + seed * 13 + i / 251) & 0xff);
    return bytes;
}

// Small writes, frames with copied and referenced payloads, a payload from
// an offset, across a chunk's end: the queue and the stream it must send.
void fillMixed(IPCSocketWriteQueue *queue, QByteArray *expected, qsizetype scale)
{
    auto add = [&](const QByteArray &bytes) { expected->append(bytes); };
    for (int i = 0; i < 5; ++i) {
        const QByteArray small = pattern(1 + i * 3, i);
        queue->append(small.constData(), small.size());
        add(small);
    }
    const QByteArray head = pattern(8, 50);
    const QByteArray copied = pattern(IPCSocketWriteQueue::CopiedPayload, 51);
    queue->appendFrame(head.constData(), head.size(), copied);
    add(head + copied);
    {
        // Gone from the writer's hands once queued: the queue keeps it.
        const QByteArray referenced = pattern(IPCSocketWriteQueue::CopiedPayload + 1 + scale, 52);
        queue->appendFrame(head.constData(), head.size(), referenced);
        add(head + referenced);
    }
    const QByteArray tail = pattern(scale / 3 + 17, 53);
    queue->append(tail.constData(), tail.size());
    add(tail);
    const QByteArray partly = pattern(scale + 5000, 54);
    queue->appendReference(partly, 1234);
    add(partly.mid(1234));
    for (int i = 0; i < 3; ++i) {
        const QByteArray more = pattern(scale / 2 + i, 60 + i);
        queue->append(more.constData(), more.size());
        add(more);
    }
}

} // namespace

class tst_IPCSocketWriteQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderAcrossMixedWrites();
    void partialSendAtEveryOffset();
    void sendsOfEveryStep_data();
    void sendsOfEveryStep();
    void againstModel();
    void referencedPayloadIsNotCopied();
    void byteCount();
    void clear();
    void chunkReuseIsBounded();
    void piecesLimitedToMaxCount();
};

void tst_IPCSocketWriteQueue::orderAcrossMixedWrites()
{
    IPCSocketWriteQueue queue;
    QByteArray expected;
    // Past one chunk of our own (64 KiB) in small writes too.
    fillMixed(&queue, &expected, 100 * 1024);
    QCOMPARE(queue.size(), expected.size());
    QCOMPARE(contents(queue), expected);
    for (const Piece &piece : pieces(queue))
        QVERIFY(piece.size > 0);
}

void tst_IPCSocketWriteQueue::partialSendAtEveryOffset()
{
    // One send that takes k bytes, for every k: the rest is what follows
    // byte k, whatever piece k falls in.
    QByteArray expected;
    {
        IPCSocketWriteQueue queue;
        fillMixed(&queue, &expected, 40);
    }
    for (qsizetype k = 0; k <= expected.size(); ++k) {
        IPCSocketWriteQueue queue;
        QByteArray unused;
        fillMixed(&queue, &unused, 40);
        queue.advance(k);
        QCOMPARE(queue.size(), expected.size() - k);
        if (contents(queue) != QByteArrayView(expected).sliced(k))
            QFAIL(qPrintable(QStringLiteral("wrong bytes after a send of %1").arg(k)));
        QCOMPARE(queue.isEmpty(), k == expected.size());
    }
}

void tst_IPCSocketWriteQueue::sendsOfEveryStep_data()
{
    QTest::addColumn<qsizetype>("step");
    QTest::addColumn<int>("maxCount");
    for (qsizetype step = 1; step <= 64; ++step)
        QTest::addRow("%lld bytes a send", qlonglong(step)) << step << 16;
    for (qsizetype step : {4095, 4096, 4097, 65535, 65536, 65537, 200000})
        QTest::addRow("%lld bytes a send", qlonglong(step)) << step << 16;
    QTest::addRow("one piece a send") << qsizetype(1 << 30) << 1;
    QTest::addRow("two pieces a send") << qsizetype(1 << 30) << 2;
}

void tst_IPCSocketWriteQueue::sendsOfEveryStep()
{
    // A system that takes step bytes of what it is offered each time, and
    // a writer that adds more between the sends: the stream is the same.
    QFETCH(qsizetype, step);
    QFETCH(int, maxCount);
    IPCSocketWriteQueue queue;
    QByteArray expected;
    fillMixed(&queue, &expected, 70 * 1024);
    QByteArray sent;
    int sends = 0;
    while (!queue.isEmpty()) {
        qint64 offered = 0;
        QByteArray taken;
        for (const Piece &piece : pieces(queue, maxCount)) {
            offered += piece.size;
            taken.append(piece.data, qMin<qsizetype>(piece.size, step - taken.size()));
            if (taken.size() == step)
                break;
        }
        QVERIFY(offered > 0);
        const qint64 before = queue.size();
        queue.advance(taken.size());
        QCOMPARE(queue.size(), before - taken.size());
        sent += taken;
        if (++sends == 3) {
            const QByteArray more = pattern(333, 99);
            queue.append(more.constData(), more.size());
            expected += more;
        }
    }
    QCOMPARE(sent.size(), expected.size());
    QVERIFY(sent == expected);
}

void tst_IPCSocketWriteQueue::againstModel()
{
    // Random writes, partial sends and peeks against a plain byte array.
    QRandomGenerator random(2512);
    IPCSocketWriteQueue queue;
    QByteArray model;
    std::vector<QByteArray> keep; // for the check that a reference is one
    for (int op = 0; op < 10000; ++op) {
        switch (random.bounded(6)) {
        case 0:
        case 1: {
            const QByteArray bytes = pattern(random.bounded(1, 300), op);
            queue.append(bytes.constData(), bytes.size());
            model += bytes;
            break;
        }
        case 2: {
            const QByteArray head = pattern(random.bounded(0, 12), op);
            const QByteArray payload = pattern(random.bounded(0, 9000), op + 1);
            queue.appendFrame(head.constData(), head.size(), payload);
            model += head + payload;
            break;
        }
        case 3: {
            const QByteArray payload = pattern(random.bounded(1, 9000), op);
            const qsizetype from = random.bounded(payload.size() + 1);
            queue.appendReference(payload, from);
            model += payload.mid(from);
            break;
        }
        default: {
            const qint64 sent = random.bounded(int(qMin<qint64>(queue.size(), 70000)) + 1);
            queue.advance(sent);
            model.remove(0, qsizetype(sent));
            break;
        }
        }
        QCOMPARE(queue.size(), model.size());
        if (op % 97 == 0)
            QVERIFY(contents(queue) == model);
    }
    QVERIFY(contents(queue) == model);
}

void tst_IPCSocketWriteQueue::referencedPayloadIsNotCopied()
{
    IPCSocketWriteQueue queue;
    const char head[] = "HEAD";
    const QByteArray large = pattern(IPCSocketWriteQueue::CopiedPayload + 1, 1);
    queue.appendFrame(head, 4, large);
    const QByteArray later = pattern(100000, 2);
    queue.appendReference(later, 777);
    const QByteArray small = pattern(IPCSocketWriteQueue::CopiedPayload, 3);
    queue.appendFrame(head, 4, small);

    const std::vector<Piece> front = pieces(queue);
    QCOMPARE(front.size(), size_t(4));
    QCOMPARE(front[0].size, 4); // the head, copied
    QCOMPARE(at(front[1].data), at(large.constData()));
    QCOMPARE(front[1].size, large.size());
    QCOMPARE(at(front[2].data), at(later.constData() + 777));
    QCOMPARE(front[2].size, later.size() - 777);
    // A small payload is copied, with its head, into a chunk of our own.
    QVERIFY(at(front[3].data) != at(small.constData()));
    QCOMPARE(front[3].size, 4 + small.size());

    // A send ending inside a referenced payload: the rest is still the
    // payload's own memory.
    queue.advance(4 + 1000);
    QCOMPARE(at(pieces(queue)[0].data), at(large.constData() + 1000));
}

void tst_IPCSocketWriteQueue::byteCount()
{
    IPCSocketWriteQueue queue;
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.size(), 0);
    queue.append("abc", 3);
    QCOMPARE(queue.size(), 3);
    queue.append("x", 0); // nothing
    QCOMPARE(queue.size(), 3);
    char *room = queue.reserve(5);
    std::memcpy(room, "defgh", 5);
    QCOMPARE(queue.size(), 8);
    const QByteArray payload = pattern(10000, 4);
    queue.appendReference(payload, 9999);
    QCOMPARE(queue.size(), 9);
    queue.appendReference(payload, payload.size()); // nothing left of it
    QCOMPARE(queue.size(), 9);
    queue.appendFrame("12", 2, payload);
    QCOMPARE(queue.size(), 9 + 2 + 10000);
    queue.appendFrame(nullptr, 0, QByteArray());
    QCOMPARE(queue.size(), 9 + 2 + 10000);
    queue.advance(10);
    QCOMPARE(queue.size(), 10001);
    QCOMPARE(contents(queue).left(1), QByteArray("2"));
    queue.advance(10001);
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.pieceCount(), 0);
}

void tst_IPCSocketWriteQueue::clear()
{
    IPCSocketWriteQueue queue;
    QByteArray expected;
    fillMixed(&queue, &expected, 1000);
    queue.advance(10);
    queue.clear();
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.size(), 0);
    QCOMPARE(queue.pieceCount(), 0);
    QCOMPARE(queue.gather(16, [](const char *, qsizetype) { QFAIL("a piece after clear()"); }), 0);
    // Usable again: nothing of before comes back.
    queue.append("new", 3);
    queue.append("er", 2);
    QCOMPARE(contents(queue), QByteArray("newer"));
    QCOMPARE(queue.pieceCount(), 1);
}

void tst_IPCSocketWriteQueue::chunkReuseIsBounded()
{
    IPCSocketWriteQueue queue;
    const QByteArray message = pattern(600, 5);
    // Burst after burst of small writes: a chunk that went is the next
    // one, not a new allocation.
    const char *chunk = nullptr;
    for (int cycle = 0; cycle < 1000; ++cycle) {
        for (int i = 0; i < 100; ++i) // 60000 bytes: one chunk
            queue.append(message.constData(), message.size());
        QCOMPARE(queue.pieceCount(), 1);
        const char *front = pieces(queue, 1).front().data;
        if (cycle == 1)
            chunk = front;
        else if (cycle > 1)
            QCOMPARE(at(front), at(chunk));
        // Sent in two parts, the first ending inside the chunk.
        queue.advance(12345);
        queue.advance(queue.size());
        QCOMPARE(queue.pieceCount(), 0);
    }
    // With payloads by reference and writes larger than a chunk between
    // them: the queue holds what is unsent and no more, and the memory
    // kept does not grow.
#ifdef HAVE_MALLINFO2
    size_t inUse = 0;
#endif
    for (int cycle = 0; cycle < 5000; ++cycle) {
        for (int i = 0; i < 100; ++i)
            queue.append(message.constData(), message.size());
        if (cycle % 3 == 0) {
            const QByteArray payload = pattern(50000, cycle);
            queue.appendFrame("head", 4, payload);
            queue.append(message.constData(), message.size());
        }
        if (cycle % 7 == 0) {
            const QByteArray large = pattern(IPCSocketWriteQueue::ChunkCapacity * 3, cycle);
            queue.append(large.constData(), large.size());
        }
        QVERIFY(queue.pieceCount() <= 4);
        queue.advance(12345);
        queue.advance(queue.size());
        QCOMPARE(queue.pieceCount(), 0);
#ifdef HAVE_MALLINFO2
        if (cycle == 1)
            inUse = mallinfo2().uordblks;
        else if (cycle > 1 && mallinfo2().uordblks > inUse + 64 * 1024)
            QFAIL(qPrintable(QStringLiteral("the heap grew by %1 bytes in %2 cycles")
                                     .arg(qint64(mallinfo2().uordblks) - qint64(inUse))
                                     .arg(cycle)));
#endif
    }
}

void tst_IPCSocketWriteQueue::piecesLimitedToMaxCount()
{
    IPCSocketWriteQueue queue;
    const QByteArray payload = pattern(10000, 6);
    for (int i = 0; i < 10; ++i) { // a chunk of our own and a reference each
        queue.append("ab", 2);
        queue.appendReference(payload);
    }
    QCOMPARE(queue.pieceCount(), 20);
    for (int maxCount : {0, 1, 2, 3, 16, 19, 20, 21, 1000}) {
        int offered = 0;
        const int count = queue.gather(maxCount, [&](const char *, qsizetype) { ++offered; });
        QCOMPARE(count, qMin(maxCount, 20));
        QCOMPARE(offered, count);
    }
    // In order: the first pieces, not any.
    const std::vector<Piece> three = pieces(queue, 3);
    QCOMPARE(QByteArray(three[0].data, three[0].size), QByteArray("ab"));
    QCOMPARE(at(three[1].data), at(payload.constData()));
    QCOMPARE(QByteArray(three[2].data, three[2].size), QByteArray("ab"));
}

QTEST_APPLESS_MAIN(tst_IPCSocketWriteQueue)

#include "tst_ipcsocketwritequeue.moc"
