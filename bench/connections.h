// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_CONNECTIONS_H
#define BENCH_CONNECTIONS_H

#include <QtCore/qjsonobject.h>

// Connection set-up, measured as an application sees it: in one process
// with one event loop, the cases taking turns, raw AF_UNIX
// (connect/accept) as the floor and bare QLocalServer/QLocalSocket as the
// baseline.
namespace Bench {

// Prints the tables (unless json) and returns the figures.
// On cpu (unless -1), the one core of --pin same.
QJsonObject measureConnections(int rounds, double cyclesSeconds, int cpu, bool json);

} // namespace Bench

#endif // BENCH_CONNECTIONS_H
