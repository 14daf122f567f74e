// SPDX-License-Identifier: BSD-3-Clause
//
// Whole messages between two processes with IPCMessageChannel.
//
//   ipcsocket-messagechannel                 a server and a client (a second copy of this program)
//   ipcsocket-messagechannel --server PATH   answers every message until its peer leaves
//   ipcsocket-messagechannel --client PATH   sends a few messages, prints the answers
//
// The server also answers the Python peers in python/: start it with
// --server /tmp/demo.sock, then run python3 python/send.py /tmp/demo.sock hello.

#include <ipcmessagechannel.h>
#include <ipcsocket.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtextstream.h>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Reports a socket's or a channel's error; 102 (the peer left) ends the
// program normally, anything else with a failure.
void onError(int errorNumber, const QString &message)
{
    if (errorNumber == IPCSocket::LostConnection) {
        QCoreApplication::quit();
        return;
    }
    out() << "error " << errorNumber << ": " << message << Qt::endl;
    QCoreApplication::exit(1);
}

// Listens on path; answers each text with the same text in upper case and
// each binary message with its size.
void startServer(const QString &path, QObject *owner)
{
    auto *socket = new IPCSocket(owner);
    socket->setPath(path);
    // The channel does not own the socket: both live as long as owner.
    auto *channel = new IPCMessageChannel(socket, owner);
    QObject::connect(channel, &IPCMessageChannel::textMessageReceived, channel,
                     [channel](const QString &text) {
                         out() << "server got text: " << text << Qt::endl;
                         channel->sendTextMessage(text.toUpper());
                     });
    QObject::connect(channel, &IPCMessageChannel::binaryMessageReceived, channel,
                     [channel](const QByteArray &bytes) {
                         out() << "server got " << bytes.size() << " bytes" << Qt::endl;
                         channel->sendTextMessage(QStringLiteral("%1 bytes").arg(bytes.size()));
                     });
    QObject::connect(socket, &IPCSocket::error, owner, onError);
    QObject::connect(channel, &IPCMessageChannel::error, owner, onError);
    socket->listen();
}

// Connects to path, sends a few messages and leaves once every answer is in.
void startClient(const QString &path, QObject *owner)
{
    auto *socket = new IPCSocket(owner);
    socket->setPath(path);
    auto *channel = new IPCMessageChannel(socket, owner);
    QObject::connect(socket, &IPCSocket::connected, channel, [channel] {
        channel->sendTextMessage(QStringLiteral("hello"));
        channel->sendTextMessage(QStringLiteral("Grüße, 世界"));
        // However the stream cuts it, this arrives as one message.
        channel->sendBinaryMessage(QByteArray(1024 * 1024, 'x'));
    });
    QObject::connect(channel, &IPCMessageChannel::textMessageReceived, socket,
                     [socket, answers = 0](const QString &answer) mutable {
                         out() << "client got answer: " << answer << Qt::endl;
                         if (++answers == 3) {
                             socket->close();
                             QCoreApplication::quit();
                         }
                     });
    QObject::connect(socket, &IPCSocket::error, owner, onError);
    QObject::connect(channel, &IPCMessageChannel::error, owner, onError);
    socket->connect();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    QObject owner;
    if (arguments.size() == 3 && arguments.at(1) == QLatin1String("--server")) {
        startServer(arguments.at(2), &owner);
        return app.exec();
    }
    if (arguments.size() == 3 && arguments.at(1) == QLatin1String("--client")) {
        startClient(arguments.at(2), &owner);
        return app.exec();
    }
    if (arguments.size() != 1) {
        out() << "usage: " << arguments.at(0) << " [--server PATH | --client PATH]" << Qt::endl;
        return 2;
    }

    // Both roles: this process serves, a second copy of it is the client.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("messagechannel.sock"));
    startServer(path, &owner);
    QProcess client;
    client.setProcessChannelMode(QProcess::ForwardedChannels);
    // A client that could not start, or failed, ends the server too.
    QObject::connect(&client, &QProcess::errorOccurred, &owner, [](QProcess::ProcessError) {
        out() << "the client could not run" << Qt::endl;
        QCoreApplication::exit(1);
    });
    QObject::connect(&client, &QProcess::finished, &owner, [](int exitCode) {
        if (exitCode != 0)
            QCoreApplication::exit(1);
    });
    client.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--client"), path});
    const int served = app.exec(); // until the client leaves
    if (!client.waitForFinished(10000) || client.exitCode() != 0)
        return 1;
    return served;
}
