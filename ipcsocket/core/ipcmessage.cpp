// SPDX-License-Identifier: BSD-3-Clause
#include "ipcmessage.h"

#include <utility>

QByteArray IPCMessage::data() const &
{
    return isText() ? m_text.toUtf8() : m_data;
}

QByteArray IPCMessage::data() &&
{
    return isText() ? m_text.toUtf8() : std::move(m_data);
}
