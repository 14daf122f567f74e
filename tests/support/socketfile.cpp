// SPDX-License-Identifier: BSD-3-Clause
#include "socketfile.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>

#ifdef Q_OS_WIN
#include "ipcsocketpath_p.h"

#include <QtCore/qt_windows.h>

#include <string>
#include <thread>
#else
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#endif

namespace SocketFile {

QString temporaryFolderTemplate(const QString &prefix)
{
#ifdef Q_OS_WIN
    return QDir::temp().filePath(prefix + QStringLiteral("XXXXXX"));
#else
    return QStringLiteral("/tmp/") + prefix + QStringLiteral("XXXXXX");
#endif
}

#ifdef Q_OS_WIN

QString serverName(const QString &path)
{
    return IPCSocketPath::pipeNameForPath(QFileInfo(path).absoluteFilePath());
}

// The pipe's full name, as CreateFileW() and WaitNamedPipeW() take it.
static std::wstring pipeFor(const QString &path)
{
    return (QStringLiteral("\\\\.\\pipe\\") + serverName(path)).toStdWString();
}

bool exists(const QString &path)
{
    // WaitNamedPipeW() asks for a free instance without taking it, so that
    // the check does not show up at the listener as a peer.
    return WaitNamedPipeW(pipeFor(path).c_str(), 1);
}

bool connectAndLeave(const QString &path)
{
    const HANDLE handle = CreateFileW(pipeFor(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0,
                                      nullptr, OPEN_EXISTING, 0, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        return false;
    CloseHandle(handle);
    return true;
}

QByteArray plainPipeExchange(const QString &path, const QByteArray &bytes, qsizetype replySize)
{
    HANDLE pipe = INVALID_HANDLE_VALUE;
    // Every instance may be taken for a moment: wait for one, as a pipe
    // client does, a bounded number of times.
    for (int attempt = 0; attempt < 100 && pipe == INVALID_HANDLE_VALUE; ++attempt) {
        pipe = CreateFileW(pipeFor(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                           OPEN_EXISTING, 0, nullptr);
        if (pipe == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PIPE_BUSY)
            WaitNamedPipeW(pipeFor(path).c_str(), 100);
        else if (pipe == INVALID_HANDLE_VALUE)
            return {};
    }
    if (pipe == INVALID_HANDLE_VALUE)
        return {};
    QByteArray reply;
    DWORD written = 0;
    if (WriteFile(pipe, bytes.constData(), DWORD(bytes.size()), &written, nullptr)
        && qsizetype(written) == bytes.size()) {
        char buffer[4096];
        DWORD read = 0;
        while (reply.size() < replySize && ReadFile(pipe, buffer, sizeof(buffer), &read, nullptr)
               && read > 0)
            reply.append(buffer, qsizetype(read));
    }
    CloseHandle(pipe);
    return reply;
}

std::future<QByteArray> startPlainPipeExchange(const QString &path, const QByteArray &bytes,
                                               qsizetype replySize)
{
    std::packaged_task<QByteArray()> task(
            [path, bytes, replySize] { return plainPipeExchange(path, bytes, replySize); });
    std::future<QByteArray> result = task.get_future();
    std::thread(std::move(task)).detach();
    return result;
}

bool isConnectionHandle(qintptr handle)
{
    return GetFileType(HANDLE(handle)) == FILE_TYPE_PIPE;
}

qint64 currentUserId()
{
    return -1;
}

qint64 currentGroupId()
{
    return -1;
}

bool makeStale(const QString &)
{
    return false;
}

#else

QString serverName(const QString &path)
{
    return path;
}

bool exists(const QString &path)
{
    return QFileInfo::exists(path);
}

bool connectAndLeave(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof(address.sun_path));
    const bool connected
            = ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0;
    ::close(fd);
    return connected;
}

bool isConnectionHandle(qintptr handle)
{
    struct stat st;
    return ::fstat(int(handle), &st) == 0 && S_ISSOCK(st.st_mode);
}

qint64 currentUserId()
{
    return qint64(::geteuid());
}

qint64 currentGroupId()
{
    return qint64(::getegid());
}

bool makeStale(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof(address.sun_path));
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0;
    ::close(fd);
    return bound && QFileInfo::exists(path);
}

#endif

} // namespace SocketFile
