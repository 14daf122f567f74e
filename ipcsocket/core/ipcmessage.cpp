// SPDX-License-Identifier: BSD-3-Clause
#include "ipcmessage.h"

#include <utility>

IPCMessage::IPCMessage(QString text) : m_kind(Kind::Text), m_text(std::move(text)) { }

IPCMessage::IPCMessage(QByteArray data) : m_kind(Kind::Binary), m_data(std::move(data)) { }

QByteArray IPCMessage::data() const &
{
    return isText() ? m_text.toUtf8() : m_data;
}

QByteArray IPCMessage::data() &&
{
    return isText() ? m_text.toUtf8() : std::move(m_data);
}
