// SPDX-License-Identifier: BSD-3-Clause
//
// ipcsocket-bench: what IPCSocket costs against raw AF_UNIX and bare
// QLocalSocket, measured side by side in one run, two processes a case.
// Each case starts this program twice more, as --role server and client.

#include "connections.h"
#include "peer.h"
#include "peers.h"
#include "report.h"
#include "support.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qprocess.h>
#include <QtCore/qsysinfo.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <cstdio>
#include <optional>

using namespace Bench;

namespace {

struct Options
{
    QList<Transport> transports;
    QList<qint64> sizes;
    qint64 iterations = 0;
    qint64 streamBytes = 0;
    int runs = 0;
    QString pin;
    bool json = false;
    bool quick = false;
    QList<qint64> messageSizes;
    QList<int> peerCounts;
    QStringList tables; // which tables to measure
    bool wants(const char *table) const { return tables.contains(QLatin1String(table)); }
};

class Orchestrator
{
public:
    explicit Orchestrator(const Options &options) : m_options(options) { }

    // One measurement: a server and a client process. nullopt on failure.
    std::optional<std::pair<QJsonObject, QJsonObject>>
    measure(Transport transport, Phase phase, qint64 size, qint64 count, qint64 bytes)
    {
        const QString path = m_dir.filePath(QStringLiteral("bench.sock"));
        QFile::remove(path);
        const auto arguments = [&](bool server) {
            int cpu = -1;
            if (m_options.pin == QLatin1String("same"))
                cpu = 0;
            else if (m_options.pin == QLatin1String("split"))
                cpu = server ? 1 : 0;
            return QStringList{QStringLiteral("--role"),
                               server ? QStringLiteral("server") : QStringLiteral("client"),
                               QStringLiteral("--transport"),
                               nameOf(transport),
                               QStringLiteral("--phase"),
                               nameOf(phase),
                               QStringLiteral("--path"),
                               path,
                               QStringLiteral("--size"),
                               QString::number(size),
                               QStringLiteral("--count"),
                               QString::number(count),
                               QStringLiteral("--bytes"),
                               QString::number(bytes),
                               QStringLiteral("--cpu"),
                               QString::number(cpu)};
        };
        QProcess server, client;
        server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server.start(QCoreApplication::applicationFilePath(), arguments(true));
        while (!server.canReadLine()) {
            if (!server.waitForReadyRead(30000)) {
                std::fprintf(stderr, "%s: the server did not start\n",
                             qPrintable(nameOf(transport)));
                server.kill();
                server.waitForFinished();
                return std::nullopt;
            }
        }
        server.readLine(); // "ready"
        client.start(QCoreApplication::applicationFilePath(), arguments(false));
        // A peer that dies (a crash, a sanitizer's report) leaves the other
        // waiting for bytes that never come: the first failure ends both.
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        const auto onFinished = [&](int exitCode, QProcess::ExitStatus status) {
            const bool failed = status != QProcess::NormalExit || exitCode != 0;
            if (failed
                || (client.state() == QProcess::NotRunning
                    && server.state() == QProcess::NotRunning))
                loop.quit();
        };
        QObject::connect(&client, &QProcess::finished, &loop, onFinished);
        QObject::connect(&server, &QProcess::finished, &loop, onFinished);
        deadline.start(600000);
        if (client.state() != QProcess::NotRunning || server.state() != QProcess::NotRunning)
            loop.exec();
        const bool done
                = client.state() == QProcess::NotRunning && server.state() == QProcess::NotRunning;
        if (!done || client.exitStatus() != QProcess::NormalExit
            || server.exitStatus() != QProcess::NormalExit || client.exitCode() != 0
            || server.exitCode() != 0) {
            std::fprintf(stderr, "%s: a peer failed\n", qPrintable(nameOf(transport)));
            client.kill();
            server.kill();
            client.waitForFinished();
            server.waitForFinished();
            return std::nullopt;
        }
        return std::make_pair(lastJson(client), lastJson(server));
    }

private:
    static QJsonObject lastJson(QProcess &process)
    {
        const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
        return QJsonDocument::fromJson(lines.constLast()).object();
    }

    const Options &m_options;
    QTemporaryDir m_dir{QStringLiteral("/tmp/benchXXXXXX")};
};

QString cpuModel()
{
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (!file.open(QIODevice::ReadOnly))
        return QSysInfo::currentCpuArchitecture();
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("model name"))
            return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    }
    return QSysInfo::currentCpuArchitecture();
}

// The columns every table ends with: the figure over raw poll()'s and over
// QLocalSocket's, from the same run.
void appendRatios(QList<QStringList> *rows, const QList<Transport> &transports,
                  const QHash<Transport, double> &figures)
{
    for (qsizetype i = 0; i < rows->size(); ++i) {
        const double figure = figures.value(transports.at(i));
        (*rows)[i] << ratio(figure, figures.value(Transport::RawPoll))
                   << ratio(figure, figures.value(Transport::QLocalSocketLoop));
    }
}

// Messages sent one way a run: two million small ones, 512 MiB of large
// ones (a tenth of it in a quick run).
qint64 messageCount(const Options &options, qint64 size)
{
    const qint64 count = size <= 1024 ? 2000000 : std::max<qint64>(512 * 1024 * 1024 / size, 8);
    return options.quick ? std::max<qint64>(count / 10, 4) : count;
}

int orchestrate(const Options &options)
{
    Orchestrator orchestrator(options);
    QJsonObject document{{QStringLiteral("machine"),
                          QJsonObject{{QStringLiteral("cpu"), cpuModel()},
                                      {QStringLiteral("cores"), QThread::idealThreadCount()},
                                      {QStringLiteral("kernel"), QSysInfo::kernelVersion()},
                                      {QStringLiteral("qt"), QLatin1String(qVersion())}}},
                         {QStringLiteral("pin"), options.pin},
                         {QStringLiteral("runs"), options.runs},
                         {QStringLiteral("iterations"), options.iterations},
                         {QStringLiteral("stream_bytes"), options.streamBytes}};
    if (!options.json) {
        print(QStringLiteral("ipcsocket-bench: %1, %2 cores, Qt %3, pin %4, %5 runs taking "
                             "turns (median, min-max)")
                      .arg(cpuModel())
                      .arg(QThread::idealThreadCount())
                      .arg(QLatin1String(qVersion()), options.pin)
                      .arg(options.runs));
    }

    bool failed = false;
    const int warmUps = options.quick ? 0 : 1;
    // Each run measures every case once, in turn, so that the machine's
    // drift falls on all cases alike. Warm-up runs first, results dropped.
    const auto measureAll = [&](const QList<Transport> &transports, Phase phase, qint64 size,
                                qint64 count, qint64 bytes, const auto &take) {
        for (int run = 0; run < warmUps + options.runs; ++run) {
            for (const Transport transport : transports) {
                const auto result = orchestrator.measure(transport, phase, size, count, bytes);
                if (!result)
                    failed = true;
                else if (run >= warmUps)
                    take(transport, result->first, result->second);
            }
        }
    };

    // Round trips.
    QJsonArray pingPong;
    for (const qint64 size : options.wants("roundtrip") ? options.sizes : QList<qint64>()) {
        QHash<Transport, double> p50s;
        QList<QStringList> rows;
        QHash<Transport, Figure> p50, p99, max, oneWay;
        QHash<Transport, QString> dispatcher;
        measureAll(options.transports, Phase::PingPong, size, options.iterations, 0,
                   [&](Transport transport, const QJsonObject &client, const QJsonObject &server) {
                       p50[transport].values.append(
                               client.value(QLatin1String("rtt_p50_ns")).toDouble());
                       p99[transport].values.append(
                               client.value(QLatin1String("rtt_p99_ns")).toDouble());
                       max[transport].values.append(
                               client.value(QLatin1String("rtt_max_ns")).toDouble());
                       oneWay[transport].values.append(
                               server.value(QLatin1String("oneway_p50_ns")).toDouble());
                       dispatcher[transport] = client.value(QLatin1String("dispatcher")).toString();
                   });
        for (const Transport transport : options.transports) {
            const Figure &median = p50[transport];
            p50s.insert(transport, median.median());
            pingPong.append(QJsonObject{{QStringLiteral("transport"), nameOf(transport)},
                                        {QStringLiteral("size"), size},
                                        {QStringLiteral("rtt_p50_ns"), median.json()},
                                        {QStringLiteral("rtt_p99_ns"), p99[transport].json()},
                                        {QStringLiteral("rtt_max_ns"), max[transport].json()},
                                        {QStringLiteral("oneway_p50_ns"), oneWay[transport].json()},
                                        {QStringLiteral("dispatcher"), dispatcher[transport]}});
            rows.append({nameOf(transport),
                         QStringLiteral("%1 (%2-%3)")
                                 .arg(formatNs(median.median()), formatNs(median.min()),
                                      formatNs(median.max())),
                         formatNs(p99[transport].median()), formatNs(max[transport].median()),
                         formatNs(oneWay[transport].median())});
        }
        if (options.json)
            continue;
        print(QStringLiteral("\nRound trip, %1-byte messages (%2 a run)")
                      .arg(size)
                      .arg(options.iterations));
        appendRatios(&rows, options.transports, p50s);
        printTable({{QStringLiteral("case"), 18},
                    {QStringLiteral("p50 (min-max)"), 30},
                    {QStringLiteral("p99"), 10},
                    {QStringLiteral("max"), 10},
                    {QStringLiteral("one-way p50"), 12},
                    {QStringLiteral("/raw-poll"), 10},
                    {QStringLiteral("/qlocalsocket"), 0}},
                   rows);
    }
    document.insert(QStringLiteral("round_trip"), pingPong);

    // Streaming: large writes (throughput), and small ones (logs, event
    // feeds: writes a second).
    QJsonArray stream;
    const auto streamCase = [&](qint64 writeSize, qint64 bytes) {
        QHash<Transport, double> throughputs;
        QList<QStringList> rows;
        QHash<Transport, Figure> gbps;
        QHash<Transport, qint64> writerRss, readerRss;
        measureAll(options.transports, Phase::Stream, writeSize, 0, bytes,
                   [&](Transport transport, const QJsonObject &client, const QJsonObject &server) {
                       gbps[transport].values.append(
                               double(bytes) / client.value(QLatin1String("seconds")).toDouble()
                               / 1e9);
                       writerRss[transport]
                               = std::max(writerRss[transport],
                                          client.value(QLatin1String("rss_kb")).toInteger());
                       readerRss[transport]
                               = std::max(readerRss[transport],
                                          server.value(QLatin1String("rss_kb")).toInteger());
                   });
        const bool small = writeSize < 1024;
        // Small writes are counted: millions of writes a second.
        const double scale = small ? 1e9 / double(writeSize) / 1e6 : 1;
        for (const Transport transport : options.transports) {
            const Figure &figure = gbps[transport];
            throughputs.insert(transport, figure.median());
            stream.append(
                    QJsonObject{{QStringLiteral("transport"), nameOf(transport)},
                                {QStringLiteral("write_bytes"), writeSize},
                                {QStringLiteral("gb_per_s"), figure.json()},
                                {QStringLiteral("writer_peak_rss_kb"), writerRss[transport]},
                                {QStringLiteral("reader_peak_rss_kb"), readerRss[transport]}});
            rows.append({nameOf(transport),
                         QStringLiteral("%1 (%2-%3)")
                                 .arg(figure.median() * scale, 0, 'f', 2)
                                 .arg(figure.min() * scale, 0, 'f', 2)
                                 .arg(figure.max() * scale, 0, 'f', 2),
                         QString::number(writerRss[transport] / 1024.0, 'f', 1),
                         QString::number(readerRss[transport] / 1024.0, 'f', 1)});
        }
        if (options.json)
            return;
        print(QStringLiteral("\nStreaming %1 MiB in %2 writes (writer keeps at most 1 MiB queued)")
                      .arg(bytes / (1024 * 1024))
                      .arg(small ? QStringLiteral("%1-byte").arg(writeSize)
                                 : QStringLiteral("%1 KiB").arg(writeSize / 1024)));
        appendRatios(&rows, options.transports, throughputs);
        printTable(
                {{QStringLiteral("case"), 18},
                 {small ? QStringLiteral("M writes/s (min-max)") : QStringLiteral("GB/s (min-max)"),
                  22},
                 {QStringLiteral("writer MiB"), 11},
                 {QStringLiteral("reader MiB"), 11},
                 {QStringLiteral("/raw-poll"), 10},
                 {QStringLiteral("/qlocalsocket"), 0}},
                rows);
    };
    if (options.wants("stream")) {
        streamCase(64 * 1024, options.streamBytes);
        streamCase(64, std::max<qint64>(options.streamBytes / 32, 1024 * 1024));
    }
    document.insert(QStringLiteral("stream"), stream);

    // Small writes in bursts: BurstWrites a pass of the sender's event
    // loop, no flush(); what a library does with them shows here.
    QJsonArray bursts;
    if (options.wants("burst")) {
        constexpr qint64 writeSize = 64;
        const qint64 count = options.quick ? 400000 : 4000000;
        const QList<Transport> cases = burstTransports();
        QHash<Transport, Figure> rate;
        measureAll(cases, Phase::Burst, writeSize, count, count * writeSize,
                   [&](Transport transport, const QJsonObject &client, const QJsonObject &) {
                       rate[transport].values.append(
                               double(count) / client.value(QLatin1String("seconds")).toDouble()
                               / 1e6);
                   });
        QList<QStringList> rows;
        for (const Transport transport : cases) {
            const Figure &figure = rate[transport];
            bursts.append(QJsonObject{{QStringLiteral("transport"), nameOf(transport)},
                                      {QStringLiteral("write_bytes"), writeSize},
                                      {QStringLiteral("m_writes_per_s"), figure.json()}});
            rows.append({nameOf(transport),
                         QStringLiteral("%1 (%2-%3)")
                                 .arg(figure.median(), 0, 'f', 2)
                                 .arg(figure.min(), 0, 'f', 2)
                                 .arg(figure.max(), 0, 'f', 2),
                         ratio(figure.median(), rate[Transport::RawBurst].median()),
                         ratio(figure.median(), rate[Transport::QLocalSocketLoop].median())});
        }
        if (!options.json) {
            print(QStringLiteral("\n%1-byte writes, %2 a pass of the event loop, no flush() (%3 "
                                 "a run)")
                          .arg(writeSize)
                          .arg(BurstWrites)
                          .arg(count));
            printTable({{QStringLiteral("case"), 18},
                        {QStringLiteral("M writes/s (min-max)"), 22},
                        {QStringLiteral("/raw-burst"), 11},
                        {QStringLiteral("/qlocalsocket"), 0}},
                       rows);
        }
    }
    document.insert(QStringLiteral("bursts"), bursts);
    if (!options.json)
        print(QStringLiteral("\n(peak resident memory is of the whole process; ratios: this "
                             "case's figure over the baseline's)"));

    // Whole messages: IPCMessageChannel against its framing done by hand.
    QJsonArray messages;
    const QList<Transport> messageCases = messageTransports();
    for (const qint64 size : options.wants("messages") ? options.messageSizes : QList<qint64>()) {
        const qint64 oneWay = messageCount(options, size);
        const bool roundTrips = size <= 65536;
        QHash<Transport, Figure> p50, p99, rate;
        if (roundTrips)
            measureAll(messageCases, Phase::PingPong, size, options.iterations, 0,
                       [&](Transport transport, const QJsonObject &client, const QJsonObject &) {
                           p50[transport].values.append(
                                   client.value(QLatin1String("rtt_p50_ns")).toDouble());
                           p99[transport].values.append(
                                   client.value(QLatin1String("rtt_p99_ns")).toDouble());
                       });
        measureAll(messageCases, Phase::Messages, size, oneWay, 0,
                   [&](Transport transport, const QJsonObject &client, const QJsonObject &) {
                       rate[transport].values.append(
                               double(oneWay) / client.value(QLatin1String("seconds")).toDouble());
                   });
        QList<QStringList> messageRows;
        const Transport base = Transport::RawFramed;
        const Transport qtBase = Transport::QLocalSocketFramed;
        // Large messages in GB/s.
        const double scale = size >= 1024 * 1024 ? double(size) / 1e9 : 1;
        for (const Transport transport : messageCases) {
            const Figure &rtt = p50[transport];
            const Figure &perSecond = rate[transport];
            messages.append(QJsonObject{{QStringLiteral("transport"), nameOf(transport)},
                                        {QStringLiteral("size"), size},
                                        {QStringLiteral("rtt_p50_ns"), rtt.json()},
                                        {QStringLiteral("rtt_p99_ns"), p99[transport].json()},
                                        {QStringLiteral("messages_per_s"), perSecond.json()}});
            messageRows.append(
                    {nameOf(transport),
                     QStringLiteral("%1 (%2-%3)")
                             .arg(formatNs(rtt.median()), formatNs(rtt.min()), formatNs(rtt.max())),
                     formatNs(p99[transport].median()),
                     QStringLiteral("%1 (%2-%3)")
                             .arg(perSecond.median() * scale, 0, 'f', scale == 1 ? 0 : 2)
                             .arg(perSecond.min() * scale, 0, 'f', scale == 1 ? 0 : 2)
                             .arg(perSecond.max() * scale, 0, 'f', scale == 1 ? 0 : 2),
                     ratio(rtt.median(), p50[base].median()),
                     ratio(rtt.median(), p50[qtBase].median()),
                     ratio(perSecond.median(), rate[base].median()),
                     ratio(perSecond.median(), rate[qtBase].median())});
        }
        if (options.json)
            continue;
        print(QStringLiteral("\nWhole messages of %1 bytes (round trips: %2 a run; one way: %3 "
                             "a run, in bursts of %4 a pass, or at most two queued; qls: "
                             "qlocalsocket-framed)")
                      .arg(size)
                      .arg(roundTrips ? options.iterations : 0)
                      .arg(oneWay)
                      .arg(BurstWrites));
        printTable({{QStringLiteral("case"), 27},
                    {QStringLiteral("round trip p50 (min-max)"), 28},
                    {QStringLiteral("p99"), 10},
                    {scale == 1 ? QStringLiteral("messages/s (min-max)")
                                : QStringLiteral("GB/s (min-max)"),
                     28},
                    {QStringLiteral("rtt/raw"), 9},
                    {QStringLiteral("rtt/qls"), 9},
                    {QStringLiteral("rate/raw"), 9},
                    {QStringLiteral("rate/qls"), 0}},
                   messageRows);
    }
    document.insert(QStringLiteral("messages"), messages);
    // In this process, with its one event loop, as an application sees it.
    if (options.wants("connections"))
        document.insert(QStringLiteral("connections"),
                        measureConnections(options.quick ? 5 : 30, options.quick ? 0.1 : 0.5,
                                           options.pin == QLatin1String("none") ? -1 : 0,
                                           options.json));
    if (options.wants("peers")) {
        PeersOptions peers;
        peers.counts = options.peerCounts;
        peers.runs = options.runs;
        peers.warmUps = warmUps;
        peers.seconds = options.quick ? 0.1 : 1;
        peers.json = options.json;
        document.insert(QStringLiteral("peers"), measurePeers(peers, &failed));
    }

    if (options.json)
        std::fputs(QJsonDocument(document).toJson().constData(), stdout);
    return failed ? 1 : 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // A peer process: the arguments are ours, not the user's.
    if (argc > 2 && qstrcmp(argv[1], "--role") == 0 && isPeersRole(argv[2]))
        return runPeersRole(argc, argv);
    if (argc > 2 && qstrcmp(argv[1], "--role") == 0) {
        Job job;
        job.server = qstrcmp(argv[2], "server") == 0;
        for (int i = 3; i + 1 < argc; i += 2) {
            const QByteArray key = argv[i];
            const QString value = QString::fromLocal8Bit(argv[i + 1]);
            if (key == "--transport")
                transportNamed(value, &job.transport);
            else if (key == "--phase")
                phaseNamed(value, &job.phase);
            else if (key == "--path")
                job.path = value;
            else if (key == "--size")
                job.size = value.toLongLong();
            else if (key == "--count")
                job.count = value.toLongLong();
            else if (key == "--bytes")
                job.bytes = value.toLongLong();
            else if (key == "--cpu")
                job.cpu = value.toInt();
        }
        if (job.transport == Transport::IPCSocketWidgets)
            qputenv("QT_QPA_PLATFORM", "offscreen");
        const QJsonObject result = run(job, argc, argv);
        std::puts(QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ipcsocket-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Measures IPCSocket against raw AF_UNIX and bare QLocalSocket, two processes a case."));
    parser.addHelpOption();
    const QCommandLineOption quick(
            QStringLiteral("quick"),
            QStringLiteral("A short run that checks that everything works."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption pin(QStringLiteral("pin"),
                                 QStringLiteral("Both processes on one core, on two, or anywhere."),
                                 QStringLiteral("same|split|none"), QStringLiteral("same"));
    const QCommandLineOption sizes(QStringLiteral("sizes"),
                                   QStringLiteral("Round-trip message sizes in bytes."),
                                   QStringLiteral("list"), QStringLiteral("16,1024,65536"));
    const QCommandLineOption iterations(QStringLiteral("iterations"),
                                        QStringLiteral("Round trips a run."), QStringLiteral("n"),
                                        QStringLiteral("10000"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Measured runs a case, after one warm-up."),
                                  QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption stream(QStringLiteral("stream-mib"),
                                    QStringLiteral("MiB streamed a run."), QStringLiteral("n"),
                                    QStringLiteral("1024"));
    const QCommandLineOption cases(
            QStringLiteral("cases"),
            QStringLiteral("Which cases: %1.").arg(allTransportNames().join(QStringLiteral(", "))),
            QStringLiteral("list"), allTransportNames().join(u','));
    const QCommandLineOption connectionsOnly(
            QStringLiteral("connections-only"),
            QStringLiteral("Only the connection set-up cases (in this process)."));
    const QString allTables = QStringLiteral("roundtrip,stream,burst,messages,connections,peers");
    const QCommandLineOption tables(QStringLiteral("tables"),
                                    QStringLiteral("Which tables: %1.").arg(allTables),
                                    QStringLiteral("list"), allTables);
    const QCommandLineOption messageSizes(
            QStringLiteral("message-sizes"), QStringLiteral("Whole-message sizes in bytes."),
            QStringLiteral("list"), QStringLiteral("16,65536,1048576,16777216"));
    const QCommandLineOption peersOnly(QStringLiteral("peers"),
                                       QStringLiteral("Only the many-peers table."));
    const QCommandLineOption peerCounts(QStringLiteral("peer-counts"),
                                        QStringLiteral("Peers on one server (many-peers table)."),
                                        QStringLiteral("list"), QStringLiteral("1,100,1000,4000"));
    parser.addOptions({quick, json, pin, sizes, iterations, runs, stream, cases, connectionsOnly,
                       tables, messageSizes, peersOnly, peerCounts});
    parser.process(app);

    Options options;
    options.quick = parser.isSet(quick);
    options.json = parser.isSet(json);
    options.pin = parser.value(pin);
    options.tables = parser.isSet(peersOnly) ? QStringList{QStringLiteral("peers")}
                                             : parser.value(tables).split(u',');
    for (const QString &table : std::as_const(options.tables)) {
        if (!allTables.split(u',').contains(table)) {
            std::fprintf(stderr, "unknown table '%s'\n", qPrintable(table));
            return 2;
        }
    }
    if (!QStringList{QStringLiteral("same"), QStringLiteral("split"), QStringLiteral("none")}
                 .contains(options.pin)) {
        std::fprintf(stderr, "--pin takes same, split or none\n");
        return 2;
    }
    for (const QString &name : parser.value(cases).split(u',')) {
        Transport transport;
        if (!allTransportNames().contains(name) || !transportNamed(name, &transport)) {
            std::fprintf(stderr, "unknown case '%s'\n", qPrintable(name));
            return 2;
        }
        options.transports.append(transport);
    }
    for (const QString &size : parser.value(sizes).split(u',')) {
        const qint64 bytes = size.toLongLong();
        if (bytes < 1) {
            std::fprintf(stderr, "bad size '%s'\n", qPrintable(size));
            return 2;
        }
        options.sizes.append(bytes);
    }
    for (const QString &size : parser.value(messageSizes).split(u',')) {
        const qint64 bytes = size.toLongLong();
        if (bytes < 1) {
            std::fprintf(stderr, "bad message size '%s'\n", qPrintable(size));
            return 2;
        }
        options.messageSizes.append(bytes);
    }
    for (const QString &count : parser.value(peerCounts).split(u',')) {
        const int peers = count.toInt();
        if (peers < 1) {
            std::fprintf(stderr, "bad peer count '%s'\n", qPrintable(count));
            return 2;
        }
        options.peerCounts.append(peers);
    }
    options.iterations = parser.value(iterations).toLongLong();
    options.runs = parser.value(runs).toInt();
    options.streamBytes = parser.value(stream).toLongLong() * 1024 * 1024;
    if (options.quick) {
        if (!parser.isSet(iterations))
            options.iterations = 200;
        if (!parser.isSet(runs))
            options.runs = 1;
        if (!parser.isSet(stream))
            options.streamBytes = 16 * 1024 * 1024;
        if (!parser.isSet(sizes))
            options.sizes = {16, 65536};
        if (!parser.isSet(peerCounts))
            options.peerCounts = {1, 100};
    }
    if (options.iterations < 1 || options.runs < 1 || options.streamBytes < 1) {
        std::fprintf(stderr, "--iterations, --runs and --stream-mib must be positive\n");
        return 2;
    }
    if (parser.isSet(connectionsOnly)) {
        const QJsonObject figures
                = measureConnections(options.quick ? 5 : 30, options.quick ? 0.1 : 0.5,
                                     options.pin == QLatin1String("none") ? -1 : 0, options.json);
        if (options.json)
            std::fputs(QJsonDocument(figures).toJson().constData(), stdout);
        return 0;
    }
    return orchestrate(options);
}
