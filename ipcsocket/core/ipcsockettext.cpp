// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsockettext_p.h"

#include <QtCore/qendian.h>

namespace IPCSocketText {
namespace {

enum class Unit { Byte, Utf8, Utf16Little, Utf16Big, Utf32 };

Unit unitOf(QStringConverter::Encoding encoding)
{
    switch (encoding) {
    case QStringConverter::Utf8:
    case QStringConverter::System: // UTF-8 on Linux and macOS
        return Unit::Utf8;
    case QStringConverter::Utf16:
        return QSysInfo::ByteOrder == QSysInfo::LittleEndian ? Unit::Utf16Little : Unit::Utf16Big;
    case QStringConverter::Utf16LE:
        return Unit::Utf16Little;
    case QStringConverter::Utf16BE:
        return Unit::Utf16Big;
    case QStringConverter::Utf32:
    case QStringConverter::Utf32LE:
    case QStringConverter::Utf32BE:
        return Unit::Utf32;
    default:
        return Unit::Byte;
    }
}

// Length of the UTF-8 sequence a lead byte starts; invalid bytes stand alone
// (the decoder turns them into one replacement character each).
qsizetype utf8SequenceLength(uchar lead)
{
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    return 1;
}

char16_t utf16At(QByteArrayView bytes, qsizetype i, Unit unit)
{
    return unit == Unit::Utf16Little ? qFromLittleEndian<char16_t>(bytes.data() + i)
                                     : qFromBigEndian<char16_t>(bytes.data() + i);
}

// The largest prefix of bytes that ends on a character boundary.
qsizetype completePrefix(Unit unit, QByteArrayView bytes)
{
    const qsizetype n = bytes.size();
    switch (unit) {
    case Unit::Byte:
        return n;
    case Unit::Utf8:
        for (qsizetype i = n - 1; i >= 0 && i >= n - 4; --i) {
            const auto c = uchar(bytes[i]);
            if ((c & 0xC0) == 0x80)
                continue;
            return i + utf8SequenceLength(c) > n ? i : n;
        }
        return n;
    case Unit::Utf16Little:
    case Unit::Utf16Big: {
        const qsizetype even = n & ~qsizetype(1);
        if (even >= 2 && QChar::isHighSurrogate(utf16At(bytes, even - 2, unit)))
            return even - 2;
        return even;
    }
    case Unit::Utf32:
        return n & ~qsizetype(3);
    }
    return n;
}

// Bytes of the first character, or 0 when it is not complete in bytes.
qsizetype firstCharacter(Unit unit, QByteArrayView bytes)
{
    qsizetype length = 1;
    switch (unit) {
    case Unit::Byte:
        break;
    case Unit::Utf8:
        length = utf8SequenceLength(uchar(bytes[0]));
        // A byte that does not continue the sequence ends it there: the
        // decoder makes one replacement character of what came before it.
        for (qsizetype i = 1; i < length && i < bytes.size(); ++i) {
            if ((uchar(bytes[i]) & 0xC0) != 0x80) {
                length = i;
                break;
            }
        }
        break;
    case Unit::Utf16Little:
    case Unit::Utf16Big:
        length = 2;
        if (bytes.size() >= 2 && QChar::isHighSurrogate(utf16At(bytes, 0, unit)))
            length = 4;
        break;
    case Unit::Utf32:
        length = 4;
        break;
    }
    return length <= bytes.size() ? length : 0;
}

} // namespace

qsizetype bytesToTake(QStringConverter::Encoding encoding, QByteArrayView available,
                      qsizetype byteCount, bool streamEnded)
{
    if (byteCount <= 0 || available.isEmpty())
        return 0;
    const Unit unit = unitOf(encoding);
    const qsizetype limit = qMin(byteCount, available.size());
    if (streamEnded && limit == available.size())
        return limit;

    const qsizetype take = completePrefix(unit, available.first(limit));
    if (take > 0)
        return take;
    // The first character alone is longer than byteCount: take it whole
    // when it is all here, so that every call with data makes progress.
    const qsizetype first = firstCharacter(unit, available);
    if (first > 0)
        return first;
    return streamEnded ? available.size() : 0;
}

QString decode(QStringConverter::Encoding encoding, QByteArrayView bytes)
{
    QStringDecoder decoder(encoding, QStringConverter::Flag::Stateless
                                             | QStringConverter::Flag::ConvertInitialBom);
    QString text = decoder(bytes);
    if (text.isEmpty() && !bytes.isEmpty())
        text = QChar(QChar::ReplacementCharacter);
    return text;
}

} // namespace IPCSocketText
