// SPDX-License-Identifier: BSD-3-Clause
//
// Echo client: sends its words to the echo server and prints what comes
// back. Started before the server, it waits up to five seconds for it.
//
//   ipcsocket-echoclient WORDS [PATH]

#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qtextstream.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QByteArray words = app.arguments().value(1, QStringLiteral("hello")).toUtf8();
    const QString path
            = app.arguments().value(2, QDir::temp().filePath(QStringLiteral("echo.socket")));

    IPCSocket socket;
    socket.setPath(path);
    socket.setConnectTimeout(5000);
    QByteArray echoed;

    QObject::connect(&socket, &IPCSocket::connected, &socket, [&] {
        out << "connected to process " << socket.peerProcessId() << Qt::endl;
        socket.write(words);
    });
    QObject::connect(&socket, &IPCSocket::dataAvailable, &socket, [&] {
        echoed += socket.readAll();
        if (echoed.size() < words.size())
            return; // a stream: the echo may come in pieces
        out << "echo: " << QString::fromUtf8(echoed) << Qt::endl;
        socket.close();
        app.quit();
    });
    QObject::connect(&socket, &IPCSocket::error, &socket, [&](int code, const QString &message) {
        out << "error " << code << ": " << message << Qt::endl;
        app.exit(1);
    });

    if (!socket.connect())
        return 1;
    return app.exec();
}
