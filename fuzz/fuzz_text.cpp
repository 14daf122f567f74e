// SPDX-License-Identifier: BSD-3-Clause
//
// libFuzzer target: IPCSocketText::bytesToTake() and decode(), which let
// IPCSocket's text reads (read(n, encoding), readAll(encoding),
// lookahead(encoding)) return whole characters however the bytes arrive. Reading a stream in
// reads of any size, as its bytes trickle in, and decoding each read on its
// own must give the text of the whole stream decoded at once.

#include "ipcsockettext_p.h"

#include <QtCore/qstring.h>
#include <QtCore/qstringconverter.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_text: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *input, size_t inputSize)
{
    if (inputSize < 2)
        return 0;
    constexpr std::array<QStringConverter::Encoding, 7> encodings
            = {QStringConverter::Utf8,    QStringConverter::Utf16LE, QStringConverter::Utf16BE,
               QStringConverter::Utf32LE, QStringConverter::Utf32BE, QStringConverter::Latin1,
               QStringConverter::System};
    const QStringConverter::Encoding encoding = encodings[input[0] % encodings.size()];
    unsigned random = input[1];
    const QByteArrayView stream(reinterpret_cast<const char *>(input + 2),
                                qsizetype(inputSize - 2));
    const auto next = [&](unsigned range) {
        random = random * 1103515245u + 12345u;
        return (random >> 16) % range;
    };

    // decode() of the whole stream at once is the reference: cut anywhere
    // bytesToTake() allows, the text must not change.
    const QString whole = IPCSocketText::decode(encoding, stream);
    QString pieces;
    qsizetype at = 0; // read so far
    qsizetype arrived = 0; // what the socket holds so far
    int idle = 0;
    while (at < stream.size()) {
        if (arrived < stream.size() && next(3) == 0)
            arrived = qMin(stream.size(), arrived + 1 + qsizetype(next(9)));
        // A read of byteCount bytes looks at its front and a character more.
        const qsizetype byteCount = idle > 2 ? 8 : 1 + qsizetype(next(12));
        const QByteArrayView front = stream.sliced(
                at, qMin(arrived - at, byteCount + IPCSocketText::MaximumCharacterBytes));
        const bool ended = arrived == stream.size() && at + front.size() == stream.size();
        const qsizetype take = IPCSocketText::bytesToTake(encoding, front, byteCount, ended);
        if (take < 0 || take > front.size())
            fail("bytesToTake() took more than there was");
        // More than byteCount only for one character longer than the read
        // (every read makes progress), or for the partial one at the end.
        if (take > byteCount && take > IPCSocketText::MaximumCharacterBytes
            && at + take != stream.size())
            fail("bytesToTake() took more than byteCount and more than one character");
        if (take == 0) {
            // Waiting for more is right only while more can come, or while
            // the read is smaller than one character.
            if (arrived == stream.size() && ++idle > 6)
                fail("bytesToTake() takes nothing though all has arrived");
            if (arrived < stream.size())
                arrived = qMin(stream.size(), arrived + 1 + qsizetype(next(9)));
            continue;
        }
        idle = 0;
        pieces += IPCSocketText::decode(encoding, front.first(take));
        at += take;
    }
    if (pieces != whole)
        fail("the reads' text differs from the stream's");
    return 0;
}
