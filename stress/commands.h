// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_COMMANDS_H
#define STRESS_COMMANDS_H

#include <QtCore/qstringlist.h>

namespace Stress {

struct Options;
class Random;

// Each returns the process exit code: 0 when every check held.
int runSoak(const Options &options, Random &random);
int runFaults(const Options &options, Random &random);
int runChurn(const Options &options, Random &random);
int runThreads(const Options &options, Random &random);
int runFuzz(const Options &options, Random &random);

// The other process of soak and faults (--peer ...).
int runPeer(const QStringList &arguments);

} // namespace Stress

#endif // STRESS_COMMANDS_H
