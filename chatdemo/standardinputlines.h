// SPDX-License-Identifier: BSD-3-Clause
#ifndef STANDARDINPUTLINES_H
#define STANDARDINPUTLINES_H

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>

// The lines that arrive on standard input (for scripts: the chat demo's
// --stdin), read from the event loop without ever blocking it.
class StandardInputLines : public QObject
{
    Q_OBJECT
public:
    explicit StandardInputLines(QObject *parent = nullptr);

Q_SIGNALS:
    void lineRead(const QString &line);

private:
    // Splits what was read into lines.
    void take(const char *data, qsizetype size);
    void watch();

    QByteArray m_partialLine;
};

#endif // STANDARDINPUTLINES_H
