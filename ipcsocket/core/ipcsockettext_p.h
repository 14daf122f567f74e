// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETTEXT_P_H
#define IPCSOCKETTEXT_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <ipcsocket_export.h>

#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringconverter.h>

namespace IPCSocketText {

// How many bytes of the front of available a text read of at most byteCount
// bytes takes without splitting a character: 0 when it has to wait for more.
// available holds what is buffered (or enough of its front); streamEnded
// says no more bytes will come, so a trailing partial character is decoded
// as it is (with replacement characters).
qsizetype bytesToTake(QStringConverter::Encoding encoding, QByteArrayView available,
                      qsizetype byteCount, bool streamEnded);

// One read's bytes as text, on their own (they end on a character boundary,
// or at the end of the stream): a U+FEFF is text wherever a read starts,
// and a partial character comes out as U+FFFD (Qt's decoder gives nothing
// for a lone partial UTF-16 or UTF-32 unit).
QString decode(QStringConverter::Encoding encoding, QByteArrayView bytes);

// The longest character an encoding has, in bytes: how much to look at past
// byteCount to know whether a character is complete.
constexpr qsizetype MaximumCharacterBytes = 4;

} // namespace IPCSocketText

#endif // IPCSOCKETTEXT_P_H
