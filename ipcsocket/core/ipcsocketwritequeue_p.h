// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETWRITEQUEUE_P_H
#define IPCSOCKETWRITEQUEUE_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qbytearray.h>

#include <cstring>
#include <deque>

// The bytes a connection took from its writer that the system has not
// taken yet, in order: small writes copied together into chunks of our
// own, large payloads kept by reference (not copied). It does no I/O: the
// transport takes the front as pieces for one gathering send (sendmsg(2)'s
// vectors) and then says how many bytes went.
class IPCSocketWriteQueue
{
public:
    // A payload up to this size is copied: that costs less than keeping a
    // reference (a piece of its own in the send).
    static constexpr qsizetype CopiedPayload = 4096;
    // A chunk of our own is allocated once at this size (more for a larger
    // write): one piece of one send for many small writes.
    static constexpr qsizetype ChunkCapacity = 64 * 1024;

    IPCSocketWriteQueue() = default;
    // The chunk being filled is pointed to.
    Q_DISABLE_COPY_MOVE(IPCSocketWriteQueue)

    // Bytes queued.
    qint64 size() const { return m_bytes; }
    bool isEmpty() const { return m_bytes == 0; }

    // Copies size bytes to the end.
    void append(const char *data, qint64 size)
    {
        if (size > 0)
            std::memcpy(reserve(size), data, size_t(size));
    }
    // Room for size more bytes at the end, counted as queued: the caller
    // fills it.
    char *reserve(qint64 size)
    {
        // Every small write passes here: the chunk being filled is at hand,
        // without a look into the queue.
        if (Q_UNLIKELY(!m_collecting || m_collectEnd - m_collectAt < size))
            startChunk(size);
        char *const space = m_collectAt;
        m_collectAt += size;
        m_collecting->end += qsizetype(size);
        m_bytes += size;
        return space;
    }
    // The payload from the byte from on, by reference.
    void appendReference(const QByteArray &payload, qsizetype from = 0);
    // head, then payload: copied up to CopiedPayload, else by reference.
    void appendFrame(const char *head, qsizetype headSize, const QByteArray &payload);

    // Offers the front of the queue to take(const char *data, qsizetype
    // size), in order, at most maxCount pieces, none empty: how many.
    template<typename Take>
    int gather(int maxCount, Take &&take) const
    {
        int count = 0;
        for (auto chunk = m_chunks.cbegin(); chunk != m_chunks.cend() && count < maxCount;
             ++chunk, ++count)
            take(chunk->bytes.constData() + chunk->begin, chunk->end - chunk->begin);
        return count;
    }
    // Forgets the first bytes (they went; at most size()). A chunk of our
    // own that went whole is the thread's spare, for the next one.
    void advance(qint64 bytes);
    // Forgets everything: it can never go.
    void clear();

    // Pieces held (a test's look at how the queue grows).
    qsizetype pieceCount() const { return qsizetype(m_chunks.size()); }

private:
    struct Chunk
    {
        QByteArray bytes;
        qsizetype begin = 0; // sent before this
        qsizetype end = 0; // filled up to this
        bool ours = false; // not a payload by reference: a spare buffer once sent
    };
    // A chunk of our own at the end, with room for size bytes.
    void startChunk(qint64 size);

    std::deque<Chunk> m_chunks;
    // The chunk at the end that small writes fill, if there is one: where
    // its free room begins and ends. A deque keeps its elements in place as
    // it grows at either end.
    Chunk *m_collecting = nullptr;
    char *m_collectAt = nullptr;
    char *m_collectEnd = nullptr;
    qint64 m_bytes = 0;
};

#endif // IPCSOCKETWRITEQUEUE_P_H
