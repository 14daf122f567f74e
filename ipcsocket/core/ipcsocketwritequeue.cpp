// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketwritequeue_p.h"

namespace {

// A chunk of our own that went, kept for the next one the thread's
// connections start: a busy connection takes the same memory again
// without an allocation, an idle one holds none (a server with thousands
// of idle peers would keep one each). One a thread, of ChunkCapacity only:
// the memory kept is bounded.
QByteArray &spareChunk()
{
    thread_local QByteArray spare;
    return spare;
}

} // namespace

void IPCSocketWriteQueue::appendReference(const QByteArray &payload, qsizetype from)
{
    if (from >= payload.size())
        return; // an empty piece would be offered to the system for nothing
    m_chunks.push_back({payload, from, payload.size(), false});
    m_collecting = nullptr; // what is written next goes behind the payload
    m_bytes += payload.size() - from;
}

void IPCSocketWriteQueue::appendFrame(const char *head, qsizetype headSize,
                                      const QByteArray &payload)
{
    if (headSize + payload.size() == 0)
        return;
    if (payload.size() <= CopiedPayload) {
        char *out = reserve(headSize + payload.size());
        std::memcpy(out, head, size_t(headSize));
        std::memcpy(out + headSize, payload.constData(), size_t(payload.size()));
    } else {
        append(head, headSize);
        appendReference(payload, 0);
    }
}

void IPCSocketWriteQueue::startChunk(qint64 size)
{
    // Allocated once at its full size: one piece of one send for all the
    // small writes that fill it.
    Chunk chunk;
    QByteArray &spare = spareChunk();
    if (size <= ChunkCapacity && spare.size() == ChunkCapacity)
        chunk.bytes = std::exchange(spare, QByteArray());
    else
        chunk.bytes
                = QByteArray(qMax<qsizetype>(ChunkCapacity, qsizetype(size)), Qt::Uninitialized);
    chunk.ours = true;
    m_chunks.push_back(std::move(chunk));
    m_collecting = &m_chunks.back();
    m_collectAt = m_collecting->bytes.data();
    m_collectEnd = m_collectAt + m_collecting->bytes.size();
}

void IPCSocketWriteQueue::advance(qint64 bytes)
{
    Q_ASSERT(bytes >= 0 && bytes <= m_bytes);
    m_bytes -= bytes;
    for (qint64 left = bytes; left > 0;) {
        Chunk &front = m_chunks.front();
        const qint64 inFront = front.end - front.begin;
        if (left < inFront) {
            front.begin += qsizetype(left);
            break;
        }
        left -= inFront;
        if (&front == m_collecting)
            m_collecting = nullptr;
        // Our own chunk is kept for the next burst: no allocation a pass.
        if (front.ours && front.bytes.size() == ChunkCapacity && front.bytes.isDetached())
            spareChunk() = std::move(front.bytes);
        m_chunks.pop_front();
    }
}

void IPCSocketWriteQueue::clear()
{
    m_chunks.clear();
    m_collecting = nullptr;
    m_bytes = 0;
}
