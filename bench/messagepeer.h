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

} // namespace Bench

#endif // BENCH_MESSAGEPEER_H
