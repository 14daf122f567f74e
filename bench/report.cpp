// SPDX-License-Identifier: BSD-3-Clause
#include "report.h"

#include <algorithm>
#include <cstdio>

namespace Bench {

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

QString formatNs(double ns)
{
    return ns >= 10000 ? QString::number(ns / 1000, 'f', 1) + QStringLiteral(" us")
                       : QString::number(ns / 1000, 'f', 2) + QStringLiteral(" us");
}

QString ratio(double value, double base)
{
    return base > 0 ? QString::number(value / base, 'f', 2) + u'x' : QStringLiteral("-");
}

void print(const QString &line)
{
    std::puts(qPrintable(line));
    std::fflush(stdout);
}

void printTable(const QList<QPair<QString, int>> &columns, const QList<QStringList> &rows)
{
    const auto line = [&](const QStringList &cells) {
        QString text;
        for (qsizetype i = 0; i < columns.size(); ++i) {
            const int width = i + 1 < columns.size() ? -columns.at(i).second : 0;
            text += QStringLiteral("%1 ").arg(cells.value(i), width);
        }
        print(text.trimmed());
    };
    QStringList headers;
    for (const auto &column : columns)
        headers.append(column.first);
    line(headers);
    for (const QStringList &row : rows)
        line(row);
}

double Figure::min() const
{
    return values.isEmpty() ? 0 : *std::min_element(values.begin(), values.end());
}

double Figure::max() const
{
    return values.isEmpty() ? 0 : *std::max_element(values.begin(), values.end());
}

QJsonObject Figure::json() const
{
    return {{QStringLiteral("median"), median()},
            {QStringLiteral("min"), min()},
            {QStringLiteral("max"), max()}};
}

QString Figure::text(int decimals, double scale) const
{
    if (values.isEmpty())
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2-%3)")
            .arg(median() * scale, 0, 'f', decimals)
            .arg(min() * scale, 0, 'f', decimals)
            .arg(max() * scale, 0, 'f', decimals);
}

} // namespace Bench
