// SPDX-License-Identifier: BSD-3-Clause
//
// ipcsocket-stress: load, faults, churn, threads and API fuzzing against
// real IPCSocket objects, real socket files and real processes.
//
//   ipcsocket-stress soak|faults|churn|threads|fuzz|all [--seconds N]
//                    [--rounds N] [--seed S]
//
// The seed is printed first; giving it again repeats every random choice
// of the run (the scheduler's own timing aside).

#include "commands.h"
#include "random.h"
#include "support.h"

#include <QtCore/qcoreapplication.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace {

void usage()
{
    std::fputs("usage: ipcsocket-stress soak|faults|churn|threads|fuzz|all [--seconds N] "
               "[--rounds N] [--seed S]\n",
               stderr);
}

quint64 freshSeed()
{
    std::random_device device;
    return (quint64(device()) << 32) ^ device()
           ^ quint64(std::chrono::steady_clock::now().time_since_epoch().count());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("--peer"))
        return Stress::runPeer(args.mid(1));

    Stress::Options options;
    bool seeded = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        bool ok = true;
        if (arg == QLatin1String("--seconds") && i + 1 < args.size())
            options.seconds = args.at(++i).toLongLong(&ok);
        else if (arg == QLatin1String("--rounds") && i + 1 < args.size())
            options.rounds = args.at(++i).toLongLong(&ok);
        else if (arg == QLatin1String("--seed") && i + 1 < args.size())
            options.seed = args.at(++i).toULongLong(&ok), seeded = true;
        else if (options.command.isEmpty() && !arg.startsWith(u'-'))
            options.command = arg;
        else
            ok = false;
        if (!ok) {
            usage();
            return 2;
        }
    }
    if (!seeded)
        options.seed = freshSeed();
    Stress::say(QStringLiteral("ipcsocket-stress %1 --seed %2")
                        .arg(options.command.isEmpty() ? QStringLiteral("?") : options.command)
                        .arg(options.seed));

    using Command = int (*)(const Stress::Options &, Stress::Random &);
    const QList<std::pair<QString, Command>> commands = {
            {QStringLiteral("soak"), &Stress::runSoak},
            {QStringLiteral("faults"), &Stress::runFaults},
            {QStringLiteral("churn"), &Stress::runChurn},
            {QStringLiteral("threads"), &Stress::runThreads},
            {QStringLiteral("fuzz"), &Stress::runFuzz},
    };
    Stress::Random random(options.seed);
    QStringList failures;
    bool known = false;
    for (const auto &[name, run] : commands) {
        if (options.command != name && options.command != QLatin1String("all"))
            continue;
        known = true;
        if (run(options, random) != 0)
            failures.append(name);
    }
    if (!known) {
        usage();
        return 2;
    }
    if (failures.isEmpty())
        return 0;
    // The same command line: with "all", one command alone would draw
    // other numbers from the generator.
    QString again = QStringLiteral("ipcsocket-stress ") + options.command;
    if (options.seconds > 0)
        again += QStringLiteral(" --seconds %1").arg(options.seconds);
    if (options.rounds > 0)
        again += QStringLiteral(" --rounds %1").arg(options.rounds);
    Stress::complain(QStringLiteral("%1 failed; repeat with: %2 --seed %3")
                             .arg(failures.join(QStringLiteral(", ")), again)
                             .arg(options.seed));
    return 1;
}
