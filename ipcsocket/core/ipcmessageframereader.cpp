// SPDX-License-Identifier: BSD-3-Clause
#include "ipcmessageframereader_p.h"

#include <QtCore/qendian.h>
#include <QtCore/qstringconverter.h>

#include <cstring>
#include <limits>
#include <utility>

qsizetype IPCMessageFrameReader::feed(const char *data, qsizetype size)
{
    // Most small messages arrive whole, many in one read: taken at once.
    if (m_headerFilled == 0 && m_state == State::NeedMore && size >= HeaderSize) {
        const auto kind = quint8(data[0]);
        const quint32 length = qFromBigEndian<quint32>(data + 1);
        if ((kind == Text || kind == Binary) && qint64(length) <= m_maximumSize
            && size - HeaderSize >= qint64(length)) {
            std::memcpy(m_header, data, HeaderSize);
            m_headerFilled = HeaderSize;
            m_payload = QByteArray(data + HeaderSize, qsizetype(length));
            m_payloadFilled = m_payload.size();
            m_state = State::Message;
            return HeaderSize + qsizetype(length);
        }
    }
    qsizetype taken = 0;
    while (taken < size && m_state == State::NeedMore) {
        if (m_headerFilled < HeaderSize) {
            const qsizetype n = qMin<qsizetype>(HeaderSize - m_headerFilled, size - taken);
            takeHeaderBytes(data + taken, n);
            taken += n;
            if (!checkHeader() || m_headerFilled < HeaderSize)
                continue;
            startPayload();
            continue;
        }
        const qsizetype n = qMin(m_payload.size() - m_payloadFilled, size - taken);
        std::memcpy(m_payload.data() + m_payloadFilled, data + taken, size_t(n));
        taken += n;
        payloadWritten(n);
    }
    return taken;
}

void IPCMessageFrameReader::takeHeaderBytes(const char *data, qsizetype count)
{
    std::memcpy(m_header + m_headerFilled, data, size_t(count));
    m_headerFilled += int(count);
}

bool IPCMessageFrameReader::checkHeader()
{
    // The kind is checked as soon as it is there, not only once the length
    // has come: a peer that sends one wrong byte hears of it at once.
    const auto kind = quint8(m_header[0]);
    if (kind != Text && kind != Binary) {
        m_error = QStringLiteral("unknown message kind 0x%1 (0x01 is text, 0x02 binary)")
                          .arg(kind, 2, 16, QLatin1Char('0'));
        m_state = State::Invalid;
        return false;
    }
    if (m_headerFilled < HeaderSize)
        return true;
    const quint32 length = qFromBigEndian<quint32>(m_header + 1);
    if (qint64(length) > m_maximumSize) {
        m_error = QStringLiteral("a message of %1 bytes was announced, more than the "
                                 "maximumMessageSize of %2 bytes")
                          .arg(length)
                          .arg(m_maximumSize);
        m_state = State::Invalid;
        return false;
    }
    // A 32-bit process holds no message past qsizetype, whatever
    // maximumMessageSize says: refused, never narrowed into a small one.
    if constexpr (sizeof(qsizetype) < sizeof(qint64)) {
        if (qint64(length) > std::numeric_limits<qsizetype>::max()) {
            m_error = QStringLiteral("a message of %1 bytes was announced, more than a "
                                     "%2-bit process can hold")
                              .arg(length)
                              .arg(QT_POINTER_SIZE * 8);
            m_state = State::Invalid;
            return false;
        }
    }
    return true;
}

void IPCMessageFrameReader::startPayload()
{
    // The length has been checked: this is the one allocation.
    m_payload = QByteArray(qsizetype(qFromBigEndian<quint32>(m_header + 1)), Qt::Uninitialized);
    m_payloadFilled = 0;
    if (m_payload.isEmpty())
        m_state = State::Message;
}

char *IPCMessageFrameReader::payloadSpace(qsizetype *room)
{
    if (m_state != State::NeedMore || m_headerFilled < HeaderSize)
        return nullptr;
    *room = m_payload.size() - m_payloadFilled;
    return m_payload.data() + m_payloadFilled;
}

void IPCMessageFrameReader::payloadWritten(qsizetype bytes)
{
    m_payloadFilled += bytes;
    if (m_payloadFilled == m_payload.size())
        m_state = State::Message;
}

QByteArray IPCMessageFrameReader::takePayload()
{
    m_headerFilled = 0;
    m_payloadFilled = 0;
    m_state = State::NeedMore;
    return std::exchange(m_payload, QByteArray());
}

QString IPCMessageFrameReader::describeCut() const
{
    if (m_headerFilled < HeaderSize)
        return QStringLiteral("the connection ended inside the header of a message (%1 of %2 "
                              "bytes had arrived)")
                .arg(m_headerFilled)
                .arg(HeaderSize);
    return QStringLiteral("the connection ended inside a message of %1 bytes (%2 had arrived)")
            .arg(m_payload.size())
            .arg(m_payloadFilled);
}

void IPCMessageFrameReader::reset()
{
    m_state = State::NeedMore;
    m_headerFilled = 0;
    m_payload = QByteArray();
    m_payloadFilled = 0;
    m_error.clear();
}

std::optional<QString> IPCMessageFrameReader::decodeText(const QByteArray &payload)
{
    QStringDecoder decoder(QStringConverter::Utf8,
                           QStringConverter::Flag::Stateless
                                   | QStringConverter::Flag::ConvertInitialBom);
    QString text = decoder(payload);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

void IPCMessageFrameReader::writeHeader(char *out, Kind kind, quint32 length)
{
    out[0] = char(kind);
    qToBigEndian<quint32>(length, out + 1);
}
