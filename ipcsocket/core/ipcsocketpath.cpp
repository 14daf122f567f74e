// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketpath_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#endif

namespace IPCSocketPath {

QString describe(const char *action, const QString &path)
{
    return QStringLiteral("Cannot %1 '%2'").arg(QLatin1String(action), path);
}

IPCSocketFailure failure(int code, const char *action, const QString &path, const QString &cause)
{
    return {code, describe(action, path) + QStringLiteral(": ") + cause};
}

IPCSocketFailure check(const QString &path, const char *action)
{
    if (path.isEmpty())
        return {IPCSocket::InvalidPathError,
                QStringLiteral("Cannot %1: the path is empty").arg(QLatin1String(action))};

    const qsizetype bytes = path.toUtf8().size();
    if (bytes > MaximumBytes)
        return {IPCSocket::InvalidPathError,
                describe(action, path)
                        + QStringLiteral(": the path is %1 bytes long, a socket path may have at "
                                         "most %2 bytes (UTF-8)")
                                  .arg(bytes)
                                  .arg(MaximumBytes)};

    if (path.contains(QChar(0)))
        return {IPCSocket::InvalidPathError,
                describe(action, path) + QStringLiteral(": the path contains a NUL character")};

    const QString folder = QFileInfo(path).path();
#ifdef Q_OS_UNIX
    struct stat st;
    if (::stat(QFile::encodeName(folder).constData(), &st) != 0) {
        const int err = errno;
        const bool denied = err == EACCES || err == EPERM;
        return {denied ? IPCSocket::PermissionDeniedError : IPCSocket::InvalidPathError,
                describe(action, path)
                        + QStringLiteral(": the folder '%1' %2 (%3)")
                                  .arg(folder,
                                       denied ? QStringLiteral("is not accessible")
                                              : QStringLiteral("does not exist"),
                                       QString::fromLocal8Bit(std::strerror(err)))};
    }
    if (!S_ISDIR(st.st_mode))
        return {IPCSocket::InvalidPathError,
                describe(action, path) + QStringLiteral(": '%1' is not a folder").arg(folder)};
#else
    if (!QFileInfo(folder).isDir())
        return {IPCSocket::InvalidPathError,
                describe(action, path)
                        + QStringLiteral(": the folder '%1' does not exist").arg(folder)};
#endif
    if (QFileInfo(path).isDir())
        return {IPCSocket::InvalidPathError,
                describe(action, path) + QStringLiteral(": the path is a folder")};
    return {};
}

QString pipeNameForPath(const QString &absolutePath)
{
    // Windows file names are case-insensitive and take either separator;
    // pipe names may hold anything but a backslash. Done by hand, not with
    // QDir's native-separator helpers, so that it is the same function on
    // every platform (and testable here).
    QString name = absolutePath.toLower();
    name.replace(u'\\', u'/');
    const bool unc = name.startsWith(QStringLiteral("//"));
    name = QDir::cleanPath(unc ? name.mid(1) : name);
    return QStringLiteral("ipcsocket") + (unc ? QStringLiteral("/") : QString())
           + (name.startsWith(u'/') ? QString() : QStringLiteral("/")) + name;
}

int permissions(IPCSocket::AccessMode mode)
{
    switch (mode) {
    case IPCSocket::UserOnly:
        return 0600;
    case IPCSocket::GroupAccess:
        return 0660;
    case IPCSocket::WorldAccess:
        return 0666;
    }
    return 0600;
}

} // namespace IPCSocketPath
