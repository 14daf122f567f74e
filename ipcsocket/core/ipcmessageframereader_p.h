// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCMESSAGEFRAMEREADER_P_H
#define IPCMESSAGEFRAMEREADER_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include <QtCore/qbytearray.h>
#include <QtCore/qendian.h>
#include <QtCore/qstring.h>

#include <optional>

// IPCMessageChannel's wire format read from a byte stream however it is
// cut: bytes in, whole messages or a protocol error out. No I/O, no
// signals: the channel feeds it, and so does the fuzzer.
class IPCMessageFrameReader
{
public:
    enum Kind : quint8 {
        Text = 0x01,
        Binary = 0x02,
    };
    static constexpr int HeaderSize = 5;

    enum class State {
        NeedMore, // inside a frame, or between two
        Message, // a whole message: takeMessage()
        Invalid, // a protocol error: errorCause(); nothing more is read
    };

    // Frames announcing more are invalid; checked when a header is whole, so
    // a change applies from the next frame on.
    void setMaximumSize(qint64 size) { m_maximumSize = size; }

    // Takes bytes from data towards the next message, and stops as soon as
    // a message is whole or the stream is invalid: bytes taken.
    qsizetype feed(const char *data, qsizetype size);
    State state() const { return m_state; }

    // Between frames: hands take(kind, payload) each whole and valid frame
    // at the start of data, at most most of them, without feed()'s state; a
    // frame that is not whole or not valid is left to feed(). Stops after a
    // frame take() returns false for. Bytes taken.
    template<typename Take>
    qsizetype takeWholeFrames(const char *data, qsizetype size, qsizetype most, Take &&take)
    {
        qsizetype taken = 0;
        if (m_state != State::NeedMore || m_headerFilled != 0)
            return taken;
        for (; most > 0 && size - taken >= HeaderSize; --most) {
            const char *const frame = data + taken;
            const auto kind = quint8(frame[0]);
            const quint32 length = qFromBigEndian<quint32>(frame + 1);
            if ((kind != Text && kind != Binary) || qint64(length) > m_maximumSize
                || size - taken - HeaderSize < qint64(length))
                break;
            taken += HeaderSize + qsizetype(length);
            if (!take(Kind(kind), QByteArray(frame + HeaderSize, qsizetype(length))))
                break;
        }
        return taken;
    }

    // Where the rest of the payload being read may be written directly
    // (room bytes, at least one), or nullptr outside a payload.
    char *payloadSpace(qsizetype *room);
    void payloadWritten(qsizetype bytes);
    // How many bytes of the header are still missing, 0 inside a payload.
    int headerBytesWanted() const
    {
        return m_state == State::NeedMore ? HeaderSize - m_headerFilled : 0;
    }

    // In state Message: the message; the reader is between frames again.
    Kind kind() const { return Kind(m_header[0]); }
    QByteArray takePayload();

    QString errorCause() const { return m_error; }
    // Makes the stream invalid for a cause found beyond the frame format
    // (a text that is not UTF-8): nothing more is read from it.
    void fail(const QString &cause)
    {
        m_error = cause;
        m_state = State::Invalid;
    }
    // Whether a frame has begun and is not whole (for the stream's end).
    bool isInsideFrame() const { return m_headerFilled > 0 && m_state == State::NeedMore; }
    // Why a stream that ends now is cut.
    QString describeCut() const;

    // Forgets the frame being read: a new stream starts.
    void reset();

    // A text message's payload decoded strictly (any invalid sequence is an
    // error, a leading U+FEFF is kept); nothing if it is not valid UTF-8.
    static std::optional<QString> decodeText(const QByteArray &payload);
    static void writeHeader(char *out, Kind kind, quint32 length);

private:
    void takeHeaderBytes(const char *data, qsizetype count);
    // After header bytes arrived: false (and Invalid) if they are wrong.
    bool checkHeader();
    void startPayload();

    qint64 m_maximumSize = 0;
    State m_state = State::NeedMore;
    char m_header[HeaderSize] = {};
    int m_headerFilled = 0;
    QByteArray m_payload;
    qsizetype m_payloadFilled = 0;
    QString m_error;
};

#endif // IPCMESSAGEFRAMEREADER_P_H
