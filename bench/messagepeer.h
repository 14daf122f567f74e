// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_MESSAGEPEER_H
#define BENCH_MESSAGEPEER_H

#include "peer.h"

namespace Bench {

// The message cases: IPCMessageChannel, and its framing done by hand on
// raw AF_UNIX. Round trips (Phase::PingPong) or many messages one way
// (Phase::Messages), of job.size payload bytes each.
QJsonObject runRawFramed(const Job &job);
QJsonObject runMessageChannel(const Job &job);
// The framing by hand over bare QLocalSocket, lean: the sender writes each
// message's 5-byte header and then its payload (two writes, no frame
// allocated); the receiver parses what readAll() gives and hands each
// message on as a QByteArray of its own.
QJsonObject runQLocalSocketFramed(const Job &job);

} // namespace Bench

#endif // BENCH_MESSAGEPEER_H
