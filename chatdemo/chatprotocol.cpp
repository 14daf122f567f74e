// SPDX-License-Identifier: BSD-3-Clause
#include "chatprotocol.h"

#include <QtCore/qstring.h>

namespace ChatProtocol {

QByteArray encode(const QString &message)
{
    const QByteArray utf8 = message.toUtf8();
    QByteArray line;
    line.reserve(utf8.size() + 1);
    for (const char c : utf8) {
        if (c == '\\')
            line += "\\\\";
        else if (c == '\n')
            line += "\\n";
        else if (c == '\r')
            line += "\\r";
        else
            line += c;
    }
    line += '\n';
    return line;
}

QString decode(const QByteArray &line)
{
    QByteArray utf8;
    utf8.reserve(line.size());
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line.at(i);
        if (c != '\\' || i + 1 == line.size()) {
            utf8 += c;
            continue;
        }
        const char next = line.at(++i);
        utf8 += next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    }
    // A line typed into socat may end in "\r\n".
    if (utf8.endsWith('\r') && !line.endsWith("\\r"))
        utf8.chop(1);
    return QString::fromUtf8(utf8);
}

void Reader::append(const QByteArray &bytes)
{
    m_pending += bytes;
}

QStringList Reader::takeMessages()
{
    QStringList messages;
    qsizetype start = 0;
    for (qsizetype end; (end = m_pending.indexOf('\n', start)) >= 0; start = end + 1)
        messages.append(decode(m_pending.sliced(start, end - start)));
    m_pending.remove(0, start);
    return messages;
}

} // namespace ChatProtocol
