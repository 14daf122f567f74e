// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketpathlock_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qt_windows.h>

QString IPCSocketPathLock::lockNameFor(const QString &path)
{
    return path + QStringLiteral(".lock");
}

bool IPCSocketPathLock::isHeld() const
{
    return m_handle.isValid();
}

IPCSocketPathLock::Result IPCSocketPathLock::acquire(const QString &path, IPCSocket::AccessMode,
                                                     int *error)
{
    release();
    const QString lockPath = QDir::toNativeSeparators(lockNameFor(path));
    // Opened without sharing: while this handle lives, every other open of
    // the file fails, in this process as in any other; the kernel closes it
    // when the process dies, and delete-on-close removes the file then.
    HANDLE file = ::CreateFileW(reinterpret_cast<const wchar_t *>(lockPath.utf16()),
                                GENERIC_READ | GENERIC_WRITE | DELETE, 0, nullptr, OPEN_ALWAYS,
                                FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
    if (file != INVALID_HANDLE_VALUE) {
        m_handle.reset(file);
        return Acquired;
    }
    const DWORD err = ::GetLastError();
    if (err == ERROR_SHARING_VIOLATION)
        return HeldByAnother;
    *error = int(err);
    return Unavailable;
}

void IPCSocketPathLock::release(Closing)
{
    // The file goes with the handle (deleted on close): nothing to put off.
    m_handle.reset();
}
