// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCMESSAGE_H
#define IPCMESSAGE_H

#include <ipcsocket_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qtypeinfo.h>
#include <QtCore/qstring.h>

#include <utility>

// One whole message of an IPCMessageChannel, as receiveMessage() hands it
// out: a text or binary payload. A value, like QNetworkDatagram; its
// members are held directly (no shared private part, as QCanBusFrame does),
// since a message is made on the hot path and one allocation a message is
// all it may cost.
class IPCSOCKET_EXPORT IPCMessage
{
    // For QML: ipcMessage, with these read-only properties.
    Q_GADGET
    Q_PROPERTY(bool isNull READ isNull CONSTANT)
    Q_PROPERTY(bool isText READ isText CONSTANT)
    Q_PROPERTY(bool isBinary READ isBinary CONSTANT)
    Q_PROPERTY(QString text READ text CONSTANT)
    Q_PROPERTY(QByteArray data READ data CONSTANT)

public:
    // A null message: what receiveMessage() returns when none is pending.
    IPCMessage() = default;
    explicit IPCMessage(QString text) : m_kind(Kind::Text), m_text(std::move(text)) { }
    explicit IPCMessage(QByteArray data) : m_kind(Kind::Binary), m_data(std::move(data)) { }

    bool isNull() const { return m_kind == Kind::Null; }
    bool isText() const { return m_kind == Kind::Text; }
    bool isBinary() const { return m_kind == Kind::Binary; }

    // A text message's text; empty for a binary one. From a temporary
    // (receiveMessage().text()) it is moved out, not shared: sharing costs
    // two atomic operations, as much as the rest of a small message.
    QString text() const & { return m_text; }
    QString text() && { return std::move(m_text); }
    // The payload as it travelled: a binary message's bytes, or a text's
    // UTF-8 bytes.
    QByteArray data() const &;
    QByteArray data() &&;

    void swap(IPCMessage &other) noexcept
    {
        std::swap(m_kind, other.m_kind);
        m_text.swap(other.m_text);
        m_data.swap(other.m_data);
    }

    friend bool operator==(const IPCMessage &a, const IPCMessage &b)
    {
        return a.m_kind == b.m_kind && a.m_text == b.m_text && a.m_data == b.m_data;
    }
    friend bool operator!=(const IPCMessage &a, const IPCMessage &b) { return !(a == b); }

private:
    enum class Kind : quint8 { Null, Text, Binary };
    Kind m_kind = Kind::Null;
    QString m_text;
    QByteArray m_data;
};

#if !defined(Q_QDOC) && !defined(Q_CLANG_QDOC)
// Moved in memory, not copied, as the containers of messages grow.
Q_DECLARE_SHARED(IPCMessage)
#endif

#endif // IPCMESSAGE_H
