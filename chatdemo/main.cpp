// SPDX-License-Identifier: BSD-3-Clause
#include "chatwindow.h"

#include <ipcsocketwidget.h>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qdir.h>
#include <QtCore/qtimer.h>
#include <QtWidgets/qapplication.h>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ipcsocket-chatdemo"));
    QApplication::setApplicationDisplayName(QStringLiteral("IPCSocket Chat"));
    QApplication::setApplicationVersion(QStringLiteral(IPCSOCKET_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.ipcsocket.chatdemo"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Xojo's IPCSocket chat sample: start two, press Listen in one and "
                           "Connect in the other, then type and press Return."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption pathOption(
            QStringLiteral("path"), QStringLiteral("The socket file to listen on or connect to."),
            QStringLiteral("path"),
            QDir::temp().filePath(QStringLiteral("org.ipcsocket.chatdemo.socket")));
    const QCommandLineOption listenOption(QStringLiteral("listen"),
                                          QStringLiteral("Press Listen at start-up."));
    const QCommandLineOption connectOption(QStringLiteral("connect"),
                                           QStringLiteral("Press Connect at start-up."));
    const QCommandLineOption stdinOption(
            QStringLiteral("stdin"),
            QStringLiteral("Send every line read from standard input as a message."));
    parser.addOptions({pathOption, listenOption, connectOption, stdinOption});
    parser.process(app);
    if (parser.isSet(listenOption) && parser.isSet(connectOption))
        parser.showHelp(2);

    ChatWindow window(parser.value(pathOption));
    window.show();
    IPCSocketWidget *socket = window.socketWidget();
    if (parser.isSet(listenOption))
        QTimer::singleShot(0, socket, &IPCSocketWidget::listen);
    else if (parser.isSet(connectOption))
        QTimer::singleShot(0, socket, &IPCSocketWidget::connect);
    if (parser.isSet(stdinOption))
        window.sendLinesFromStandardInput();
    return app.exec();
}
