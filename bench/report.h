// SPDX-License-Identifier: BSD-3-Clause
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <QtCore/qjsonobject.h>
#include <QtCore/qlist.h>
#include <QtCore/qpair.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

// How every table of ipcsocket-bench is printed.
namespace Bench {

// The middle value (the mean of the middle two), 0 for none.
double median(QList<double> values);
QString formatNs(double ns);
// "1.23x", or "-" without a base.
QString ratio(double value, double base);
void print(const QString &line);
// Columns padded to their widths; the last one is not padded.
void printTable(const QList<QPair<QString, int>> &columns, const QList<QStringList> &rows);

// A figure over the runs: the median, and the range.
struct Figure
{
    QList<double> values;
    double median() const { return Bench::median(values); }
    double min() const;
    double max() const;
    QJsonObject json() const;
    // "median (min-max)", scaled, or "-" without values.
    QString text(int decimals, double scale = 1) const;
};

} // namespace Bench

#endif // BENCH_REPORT_H
