// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_STREAM_H
#define STRESS_STREAM_H

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>

namespace Stress {

// An endless byte stream that a key determines: the sender makes it from
// any offset and the receiver checks every byte against it.
void fillStream(quint64 key, qint64 offset, char *out, qint64 size);

// The next bytes of one stream, for a writer.
class StreamWriter
{
public:
    explicit StreamWriter(quint64 key = 0) : m_key(key) { }
    QByteArray next(qint64 size);
    // The writer's own count, corrected by what write() really accepted.
    void accepted(qint64 offered, qint64 taken);
    qint64 offset() const { return m_offset; }

private:
    quint64 m_key;
    qint64 m_offset = 0;
};

// Checks what arrives against the stream; remembers the first bad byte.
class StreamChecker
{
public:
    explicit StreamChecker(quint64 key = 0) : m_key(key) { }
    // False (and problem() says where) from the first wrong byte on.
    bool check(const QByteArray &bytes);
    qint64 received() const { return m_offset; }
    bool isGood() const { return m_problem.isEmpty(); }
    QString problem() const { return m_problem; }

private:
    quint64 m_key;
    qint64 m_offset = 0;
    QString m_problem;
};

} // namespace Stress

#endif // STRESS_STREAM_H
