// SPDX-License-Identifier: BSD-3-Clause
#include "stream.h"

#include <cstring>

namespace Stress {

namespace {

// splitmix64: every 8-byte word of the stream on its own, so that any
// offset can be made without making what comes before it.
quint64 word(quint64 key, qint64 index)
{
    quint64 z = key + quint64(index) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

} // namespace

void fillStream(quint64 key, qint64 offset, char *out, qint64 size)
{
    qint64 i = 0;
    while (i < size) {
        const qint64 at = offset + i;
        const quint64 w = word(key, at >> 3);
        for (int b = int(at & 7); b < 8 && i < size; ++b, ++i)
            out[i] = char(w >> (8 * b));
    }
}

QByteArray StreamWriter::next(qint64 size)
{
    QByteArray bytes(qsizetype(size), Qt::Uninitialized);
    fillStream(m_key, m_offset, bytes.data(), size);
    m_offset += size;
    return bytes;
}

void StreamWriter::accepted(qint64 offered, qint64 taken)
{
    m_offset -= offered - qMax<qint64>(taken, 0);
}

bool StreamChecker::check(const QByteArray &bytes)
{
    if (!m_problem.isEmpty())
        return false;
    QByteArray expected(bytes.size(), Qt::Uninitialized);
    fillStream(m_key, m_offset, expected.data(), bytes.size());
    if (std::memcmp(expected.constData(), bytes.constData(), size_t(bytes.size())) == 0) {
        m_offset += bytes.size();
        return true;
    }
    qsizetype i = 0;
    while (expected.at(i) == bytes.at(i))
        ++i;
    m_problem = QStringLiteral("byte %1 of the stream is 0x%2, expected 0x%3 (a read of %4 bytes)")
                        .arg(m_offset + i)
                        .arg(uchar(bytes.at(i)), 2, 16, QLatin1Char('0'))
                        .arg(uchar(expected.at(i)), 2, 16, QLatin1Char('0'))
                        .arg(bytes.size());
    m_offset += i;
    return false;
}

} // namespace Stress
