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
// The framing by hand over bare QLocalSocket: a frame is built in one
// QByteArray and written at once; the receiver parses what readAll() gives
// and hands each message on as a QByteArray of its own.
QJsonObject runQLocalSocketFramed(const Job &job);

} // namespace Bench

#endif // BENCH_MESSAGEPEER_H
