// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETWIN_P_H
#define IPCSOCKETWIN_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketfailure_p.h"

#include <QtCore/qnamespace.h>
#include <QtCore/qstring.h>

#include <utility>

// What the Windows connector and listener share: handles, what a system
// error means for the user, and who runs a process. Kept free of
// <windows.h>, which the headers that include this one must not see.
namespace IPCSocketWin {

// Owns a kernel handle until it is handed on; closes it on every early
// return. Empty is nullptr (CreateFile's INVALID_HANDLE_VALUE is never kept).
class Handle
{
public:
    explicit Handle(Qt::HANDLE handle = nullptr) : m_handle(handle) { }
    ~Handle() { reset(); }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;

    Qt::HANDLE get() const { return m_handle; }
    bool isValid() const { return m_handle != nullptr; }
    Qt::HANDLE release() { return std::exchange(m_handle, nullptr); }
    void reset(Qt::HANDLE handle = nullptr);

private:
    Qt::HANDLE m_handle;
};

// The system's text for a GetLastError() code, with the code.
QString systemMessage(unsigned long error);

// 108 for memory, else 100.
IPCSocketFailure resourceFailure(unsigned long error, const char *action, const QString &path);

// The user a process runs as, from its access token.
struct ProcessUser
{
    QString sid; // "S-1-5-21-...", empty if it could not be told
    QString name; // "DOMAIN\\name" where the system knows it
    QString error; // why sid is empty
    // This process's own user, or LocalSystem (Windows' root).
    bool isOwnOrSystem = false;

    // "S-1-5-21-... (HOST\\me)", for messages.
    QString describe() const;
};
ProcessUser userOfProcess(qint64 processId);

} // namespace IPCSocketWin

#endif // IPCSOCKETWIN_P_H
