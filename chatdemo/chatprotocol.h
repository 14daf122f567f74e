// SPDX-License-Identifier: BSD-3-Clause
#ifndef CHATPROTOCOL_H
#define CHATPROTOCOL_H

#include <QtCore/qbytearray.h>
#include <QtCore/qstringlist.h>

// The chat's framing: one message a line of UTF-8, ended by "\n". Inside a
// message a line break is written "\n" (backslash, n) and a backslash "\\",
// so that `socat - UNIX-CONNECT:PATH` can take part in the chat.
namespace ChatProtocol {

QByteArray encode(const QString &message);
QString decode(const QByteArray &line);

// Collects the bytes of a stream and hands out the whole messages in it;
// a message cut into pieces by the transport waits for its end.
class Reader
{
public:
    void append(const QByteArray &bytes);
    QStringList takeMessages();
    qsizetype pendingBytes() const { return m_pending.size(); }

private:
    QByteArray m_pending;
};

} // namespace ChatProtocol

#endif // CHATPROTOCOL_H
