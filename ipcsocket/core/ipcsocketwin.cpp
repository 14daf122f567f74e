// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketwin_p.h"
#include "ipcsocket.h"
#include "ipcsocketpath_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qt_windows.h>

#include <sddl.h>

namespace IPCSocketWin {

void Handle::reset(Qt::HANDLE handle)
{
    if (m_handle)
        ::CloseHandle(m_handle);
    m_handle = handle;
}

QString systemMessage(unsigned long error)
{
    wchar_t *text = nullptr;
    const DWORD length
            = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM
                                       | FORMAT_MESSAGE_IGNORE_INSERTS,
                               nullptr, error, 0, reinterpret_cast<wchar_t *>(&text), 0, nullptr);
    QString message = length ? QString::fromWCharArray(text, int(length)).trimmed() : QString();
    ::LocalFree(text);
    if (message.isEmpty())
        message = QStringLiteral("system error");
    return QStringLiteral("%1 (error %2)").arg(message).arg(error);
}

IPCSocketFailure resourceFailure(unsigned long error, const char *action, const QString &path)
{
    const int code = (error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_OUTOFMEMORY)
                             ? IPCSocket::OutOfMemoryError
                             : IPCSocket::OpenDriverError;
    return IPCSocketPath::failure(code, action, path, systemMessage(error));
}

namespace {

// The SID of the user that a token belongs to, as text; empty with *error.
QString tokenUser(HANDLE token, QString *name, QString *error)
{
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    QByteArray buffer(qsizetype(size), Qt::Uninitialized);
    if (size == 0 || !::GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
        *error = systemMessage(::GetLastError());
        return {};
    }
    const PSID sid = reinterpret_cast<const TOKEN_USER *>(buffer.constData())->User.Sid;
    wchar_t *text = nullptr;
    if (!::ConvertSidToStringSidW(sid, &text)) {
        *error = systemMessage(::GetLastError());
        return {};
    }
    const QString result = QString::fromWCharArray(text);
    ::LocalFree(text);

    if (name) {
        wchar_t account[256];
        wchar_t domain[256];
        DWORD accountLength = 256;
        DWORD domainLength = 256;
        SID_NAME_USE use;
        if (::LookupAccountSidW(nullptr, sid, account, &accountLength, domain, &domainLength, &use))
            *name = QString::fromWCharArray(domain, int(domainLength)) + u'\\'
                    + QString::fromWCharArray(account, int(accountLength));
    }
    return result;
}

QString userOfToken(HANDLE process, QString *name, QString *error)
{
    HANDLE token = nullptr;
    if (!::OpenProcessToken(process, TOKEN_QUERY, &token)) {
        *error = systemMessage(::GetLastError());
        return {};
    }
    const Handle owned(token);
    return tokenUser(token, name, error);
}

const QString &ownUser()
{
    // A process does not change its user.
    static const QString sid = [] {
        QString error;
        return userOfToken(::GetCurrentProcess(), nullptr, &error);
    }();
    return sid;
}

} // namespace

QString ProcessUser::describe() const
{
    return name.isEmpty() ? sid : QStringLiteral("%1 (%2)").arg(sid, name);
}

ProcessUser userOfProcess(qint64 processId)
{
    ProcessUser user;
    if (processId <= 0) {
        user.error = QStringLiteral("the system does not say which process it is");
        return user;
    }
    // The least right that opens a token: another user's process may still
    // refuse it, and then its user stays unknown (and is refused).
    const Handle process(::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(processId)));
    if (!process.isValid()) {
        user.error = systemMessage(::GetLastError());
        return user;
    }
    user.sid = userOfToken(process.get(), &user.name, &user.error);
    // S-1-5-18 is LocalSystem, the account that services run as.
    user.isOwnOrSystem = !user.sid.isEmpty()
                         && (user.sid == ownUser() || user.sid == QLatin1String("S-1-5-18"));
    return user;
}

} // namespace IPCSocketWin
