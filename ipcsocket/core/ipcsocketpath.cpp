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
    if (IPCSocketFailure spelling = checkSpelling(path, action); spelling.isFailure())
        return spelling;
    return checkFolder(path, action);
}

IPCSocketFailure checkSpelling(const QString &path, const char *action)
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
    return {};
}

IPCSocketFailure checkFolder(const QString &path, const char *action)
{
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
    if (const QFileInfo info(folder); !info.isDir())
        return {IPCSocket::InvalidPathError,
                describe(action, path)
                        + (info.exists() ? QStringLiteral(": '%1' is not a folder").arg(folder)
                                         : QStringLiteral(": the folder '%1' does not exist")
                                                   .arg(folder))};
#endif
    if (QFileInfo(path).isDir())
        return {IPCSocket::InvalidPathError,
                describe(action, path) + QStringLiteral(": the path is a folder")};
    return {};
}

QString pipeNameForAbsolutePath(const QString &absolutePath)
{
    QString path = absolutePath;
    path.replace(u'\\', u'/');
    // "\\?\C:\x" and "\\.\C:\x" are C:\x; "\\?\UNC\server\share" is \\server\share.
    if (path.startsWith(QLatin1String("//?/")) || path.startsWith(QLatin1String("//./"))) {
        path.remove(0, 4);
        if (path.startsWith(QLatin1String("UNC/"), Qt::CaseInsensitive))
            path.replace(0, 4, QStringLiteral("//"));
    }
    // cleanPath() would fold the two slashes of a UNC name into one, and
    // \\server\x would become the path \server\x of the current drive.
    const bool unc = path.startsWith(QLatin1String("//"));
    path = QDir::cleanPath(unc ? path.mid(1) : path);
    if (unc)
        path.prepend(u'/');
    // Windows drops the dots and spaces that end a file name.
    qsizetype end = path.size();
    while (end > 1 && (path.at(end - 1) == u'.' || path.at(end - 1) == u' ')
           && path.at(end - 2) != u'/')
        --end;
    path.truncate(end);
    // File names are compared as NTFS does, in upper case, each character
    // alone (its simple mapping: a full one would turn "ß" into "SS" and
    // make two files one pipe). Only characters that a lower and upper case
    // pair maps back and forth: "ı" and "ſ" become "I" and "S" in Unicode,
    // but not in every volume's case table, and two files must never share
    // a pipe. (Lower case would not do: U+212A KELVIN SIGN and "k" are two
    // files, both "k" in lower case.)
    QList<uint> characters = path.toUcs4();
    for (uint &c : characters) {
        const char32_t upper = QChar::toUpper(char32_t(c));
        if (QChar::toLower(upper) == c)
            c = upper;
    }
    return QStringLiteral("ipcsocket/")
           + QString::fromUcs4(reinterpret_cast<const char32_t *>(characters.constData()),
                               characters.size());
}

QString pipeNameForPath(const QString &path)
{
    return pipeNameForAbsolutePath(QFileInfo(path).absoluteFilePath());
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
