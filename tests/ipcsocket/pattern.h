// SPDX-License-Identifier: BSD-3-Clause
#ifndef TESTS_IPCSOCKET_PATTERN_H
#define TESTS_IPCSOCKET_PATTERN_H

#include <QtCore/qbytearray.h>

// Bytes that tst_ipcsocket and ipcsocket-peer both can make, from any offset
// of an endless stream, so that either side can check what the other sent.
inline QByteArray pattern(qint64 offset, qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char(((offset + i) * 2654435761u) >> 13);
    return bytes;
}

#endif // TESTS_IPCSOCKET_PATTERN_H
