// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_PEERS_H
#define BENCH_PEERS_H

#include <QtCore/qjsonarray.h>
#include <QtCore/qlist.h>

// Many peers on one server: a raw epoll echo server, QLocalServer and
// IPCServerSocket, each in a process of its own on CPU 0, against one
// process on CPU 1 that drives N raw AF_UNIX peers with epoll. Linux only
// (elsewhere the table says so).
namespace Bench {

struct PeersOptions
{
    QList<int> counts; // N, the peers a measurement
    int runs = 1; // measured runs, taking turns, after warmUps
    int warmUps = 0;
    double seconds = 1; // how long "all active" and "one of N" run
    bool json = false;
};

// Prints the table (unless json) and returns the figures; *failed is set
// when a measurement failed (a stuck or dead server: never a hang).
QJsonArray measurePeers(const PeersOptions &options, bool *failed);

// "--role peers-server" and "--role peers-client": the processes of one
// measurement.
bool isPeersRole(const char *role);
int runPeersRole(int argc, char **argv);

} // namespace Bench

#endif // BENCH_PEERS_H
