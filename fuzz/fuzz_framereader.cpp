// SPDX-License-Identifier: BSD-3-Clause
//
// libFuzzer target: IPCMessageFrameReader against the wire format read the
// plain way (the whole stream at once). However the stream is cut, and
// whether payloads are filled by feed() or straight (payloadSpace()), the
// reader gives exactly the messages (also when whole frames are taken by
// takeWholeFrames() first), and stops at exactly the error, that
// the wire format (docs/src/ipcmessagechannel.qdoc) gives that stream.

#include "ipcmessageframereader_p.h"

#include <QtCore/qendian.h>
#include <QtCore/qstring.h>
#include <QtCore/qutf8stringview.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Message
{
    quint8 kind;
    QByteArray payload;
    bool operator==(const Message &other) const
    {
        return kind == other.kind && payload == other.payload;
    }
};

struct Outcome
{
    std::vector<Message> messages;
    bool invalid = false;
    bool insideFrame = false; // the stream ended inside a frame
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_framereader: %s\n", what);
    std::abort();
}

// The specification, read literally.
Outcome reference(const char *data, size_t size, qint64 maximum)
{
    Outcome outcome;
    size_t at = 0;
    while (at < size) {
        const auto kind = quint8(data[at]);
        if (kind != 0x01 && kind != 0x02) {
            outcome.invalid = true;
            return outcome;
        }
        if (size - at < 5) {
            outcome.insideFrame = true;
            return outcome;
        }
        const quint32 length = qFromBigEndian<quint32>(data + at + 1);
        if (qint64(length) > maximum) {
            outcome.invalid = true;
            return outcome;
        }
        if (size - at - 5 < length) {
            outcome.insideFrame = true;
            return outcome;
        }
        outcome.messages.push_back({kind, QByteArray(data + at + 5, qsizetype(length))});
        at += 5 + length;
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *input, size_t inputSize)
{
    // The first bytes choose the maximum message size and how the stream
    // is cut; the rest is the stream.
    if (inputSize < 3)
        return 0;
    // Lengths near 2^32 are refused by each of these; a larger maximum
    // would only make the fuzzer allocate gigabytes, as the reader rightly
    // does for a frame that the maximum admits.
    const qint64 maximum = std::array<qint64, 4>{0, 16, 4096, 1 << 20}[input[0] % 4];
    const unsigned cutSeed = input[1];
    const bool straight = input[2] & 1;
    const bool whole = input[2] & 2;
    const char *stream = reinterpret_cast<const char *>(input + 3);
    const size_t size = inputSize - 3;

    const Outcome expected = reference(stream, size, maximum);

    IPCMessageFrameReader reader;
    reader.setMaximumSize(maximum);
    Outcome got;
    size_t at = 0;
    unsigned cut = cutSeed;
    while (at < size && reader.state() != IPCMessageFrameReader::State::Invalid) {
        // Pieces of 1 to 64 bytes, or everything that is left.
        cut = cut * 1103515245u + 12345u;
        size_t piece = (cut >> 16) % 65;
        piece = piece == 0 ? size - at : std::min(piece, size - at);
        if (whole) {
            // As IPCMessageChannel reads in batches: whole frames first.
            const qsizetype most = 1 + qsizetype((cut >> 8) % 8);
            const qsizetype taken = reader.takeWholeFrames(
                    stream + at, qsizetype(piece), most,
                    [&](IPCMessageFrameReader::Kind kind, QByteArray payload) {
                        got.messages.push_back({quint8(kind), std::move(payload)});
                        return true;
                    });
            if (taken < 0 || size_t(taken) > piece)
                fail("takeWholeFrames() took more than it was given");
            at += size_t(taken);
            piece -= size_t(taken);
            if (piece == 0)
                continue;
        }
        qsizetype room = 0;
        if (straight && reader.payloadSpace(&room)) {
            const qsizetype n = qsizetype(std::min<size_t>(piece, size_t(room)));
            std::memcpy(reader.payloadSpace(&room), stream + at, size_t(n));
            reader.payloadWritten(n);
            at += size_t(n);
        } else {
            const qsizetype taken = reader.feed(stream + at, qsizetype(piece));
            if (taken < 0 || size_t(taken) > piece)
                fail("feed() took more than it was given");
            if (taken == 0 && reader.state() == IPCMessageFrameReader::State::NeedMore)
                fail("feed() made no progress");
            at += size_t(taken);
        }
        if (reader.state() == IPCMessageFrameReader::State::Message) {
            const quint8 kind = reader.kind();
            got.messages.push_back({kind, reader.takePayload()});
            if (kind == IPCMessageFrameReader::Text) {
                // Strict UTF-8, a leading U+FEFF kept: exactly the payload.
                const auto text = IPCMessageFrameReader::decodeText(got.messages.back().payload);
                const bool valid = QUtf8StringView(got.messages.back().payload).isValidUtf8();
                if (bool(text) != valid)
                    fail("decodeText() and UTF-8 validity disagree");
                if (text && text->toUtf8() != got.messages.back().payload)
                    fail("decodeText() changed the text");
            }
        }
    }
    got.invalid = reader.state() == IPCMessageFrameReader::State::Invalid;
    got.insideFrame = reader.isInsideFrame();
    if (got.invalid && reader.errorCause().isEmpty())
        fail("an error without a cause");
    if (!(got.messages == expected.messages))
        fail("the messages differ from the specification's");
    if (got.invalid != expected.invalid)
        fail("the error differs from the specification's");
    if (!got.invalid && got.insideFrame != expected.insideFrame)
        fail("the end of the stream differs from the specification's");
    if (got.insideFrame && reader.describeCut().isEmpty())
        fail("a cut frame without a description");
    return 0;
}
