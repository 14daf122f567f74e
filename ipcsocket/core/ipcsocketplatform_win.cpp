// SPDX-License-Identifier: BSD-3-Clause
//
// Windows: a socket file is a named pipe whose name comes from the path
// (IPCSocketPath::pipeNameForPath); the connection is a QLocalSocket on the
// pipe handle. The handle is opened here rather than by
// QLocalSocket::connectToServer(), which waits up to five seconds in
// WaitNamedPipe() when every instance of the pipe is busy: a busy pipe is
// "nothing can take the connection now" (103), which connectTimeout retries
// from the event loop like a listener that is not there yet.

#include "ipcsocketplatform_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"
#include "ipcsockettransports_p.h"
#include "ipcsocketwin_p.h"

#include <QtCore/qt_windows.h>
#include <QtNetwork/qlocalsocket.h>

#include <memory>

using IPCSocketPath::failure;

namespace IPCSocketPlatform {

IPCSocketTransport *connectToPath(const QString &path, QObject *parent, IPCSocketFailure *result)
{
    constexpr const char *action = "connect to";
    const QString pipe = QStringLiteral("\\\\.\\pipe\\") + IPCSocketPath::pipeNameForPath(path);
    // Overlapped, as QLocalSocket's pipe reader and writer need. The
    // listener may identify this process but not act as it (no
    // impersonation): its user check needs no more.
    IPCSocketWin::Handle handle(::CreateFileW(
            reinterpret_cast<const wchar_t *>(pipe.utf16()), GENERIC_READ | GENERIC_WRITE, 0,
            nullptr, OPEN_EXISTING,
            FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr));
    if (handle.get() == INVALID_HANDLE_VALUE) {
        handle.release();
        switch (const DWORD error = ::GetLastError()) {
        case ERROR_FILE_NOT_FOUND:
            *result = failure(IPCSocket::NameResolutionError, action, path,
                              QStringLiteral("nothing is listening there (no pipe %1)").arg(pipe));
            break;
        case ERROR_PIPE_BUSY:
            *result = failure(IPCSocket::NameResolutionError, action, path,
                              QStringLiteral("the listener there takes no more connections now "
                                             "(every instance of pipe %1 is busy)")
                                      .arg(pipe));
            break;
        case ERROR_ACCESS_DENIED:
            *result = failure(IPCSocket::PermissionDeniedError, action, path,
                              QStringLiteral("permission denied on pipe %1 (%2)")
                                      .arg(pipe, IPCSocketWin::systemMessage(error)));
            break;
        default:
            *result = IPCSocketWin::resourceFailure(error, action, path);
            break;
        }
        return nullptr;
    }
    auto socket = std::make_unique<QLocalSocket>();
    // Never fails on Windows: it takes the handle and starts reading.
    socket->setSocketDescriptor(qintptr(handle.release()), QLocalSocket::ConnectedState,
                                QIODevice::ReadWrite);
    return IPCSocketTransports::adopt(socket.release(), parent);
}

void drain(qintptr, QByteArray *)
{
    // Nothing to read from: the transport keeps no second handle on Windows
    // (a duplicate would be the same end of the pipe, closed with
    // QLocalSocket's); what QLocalSocket's pipe reader has read stays in its
    // buffer, which the transport reads out before the end.
}

IPCSocketPeerCredentials peerCredentials(qintptr descriptor)
{
    // A pipe knows the processes at both of its ends; which one is the
    // peer depends on the end this handle is (both may be this process).
    IPCSocketPeerCredentials peer;
    const HANDLE pipe = HANDLE(descriptor);
    DWORD flags = 0;
    if (!::GetNamedPipeInfo(pipe, &flags, nullptr, nullptr, nullptr))
        return peer;
    ULONG pid = 0;
    const bool known = (flags & PIPE_SERVER_END) ? ::GetNamedPipeClientProcessId(pipe, &pid)
                                                 : ::GetNamedPipeServerProcessId(pipe, &pid);
    if (known && pid != 0)
        peer.processId = qint64(pid);
    return peer;
}

qint64 currentUserId()
{
    return -1; // no numeric user ids: a user is a SID (IPCSocketWin::userOfProcess)
}

} // namespace IPCSocketPlatform
