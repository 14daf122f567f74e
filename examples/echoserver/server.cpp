// SPDX-License-Identifier: BSD-3-Clause
//
// Echo server: many peers on one socket file, each told who it is by the
// kernel, each getting back what it sends.
//
//   ipcsocket-echoserver [PATH]
//
// Try it with several clients at once:
//   ipcsocket-echoclient "hello" & ipcsocket-echoclient "world" &
//   python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('/tmp/echo.socket');
//   s.sendall(b'hi'); print(s.recv(9))"

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qtextstream.h>

#ifdef Q_OS_UNIX
#include <pwd.h>
#endif

namespace {

// "alice (1000)": the name where the system has one.
QString userName(qint64 uid)
{
#ifdef Q_OS_UNIX
    if (const passwd *entry = uid >= 0 ? ::getpwuid(uid_t(uid)) : nullptr)
        return QStringLiteral("%1 (%2)").arg(QString::fromLocal8Bit(entry->pw_name)).arg(uid);
#endif
    return QString::number(uid);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QString path
            = app.arguments().value(1, QDir::temp().filePath(QStringLiteral("echo.socket")));

    IPCServerSocket server;
    server.setPath(path);
    server.setMaximumSocketsConnected(0); // as many as come

    QObject::connect(&server, &IPCServerSocket::peerConnected, &server, [&](IPCSocket *socket) {
        // Known from the kernel, not from anything the peer says; still
        // there in the 102 handler below, after the peer has gone.
        const QString who = QStringLiteral("process %1, user %2")
                                    .arg(socket->peerProcessId())
                                    .arg(userName(socket->peerUserId()));
        out << "connected: " << who << " (" << server.connectionCount() << " connected)"
            << Qt::endl;
        QObject::connect(socket, &IPCSocket::dataAvailable, socket,
                         [socket] { socket->write(socket->readAll()); });
        QObject::connect(socket, &IPCSocket::error, socket, [&out, who](int code) {
            if (code == IPCSocket::LostConnection)
                out << "gone: " << who << Qt::endl;
        });
        // The server deletes the socket once its connection has ended.
    });
    QObject::connect(&server, &IPCServerSocket::error, &server,
                     [&](int code, const QString &message) {
                         out << "error " << code << ": " << message << Qt::endl;
                     });

    if (!server.listen())
        return 1;
    out << "listening on " << path << Qt::endl;
    return app.exec();
}
