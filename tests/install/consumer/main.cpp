// A downstream program, built against the installed package only.
#include <ipcsocket.h>
#ifdef WITH_WIDGETS
#include <ipcsocketwidget.h>
#include <QtWidgets/qapplication.h>
#endif

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qtimer.h>

#include <cstdio>

int main(int argc, char *argv[])
{
#ifdef WITH_WIDGETS
    QApplication app(argc, argv);
    IPCSocketWidget widget;
    IPCSocket &listener = *widget.socket();
#else
    QCoreApplication app(argc, argv);
    IPCSocket listener;
#endif
    IPCSocket connector;
    const QString path = QDir::temp().filePath(
            QStringLiteral("ipcsocket-consumer-%1.sock").arg(QCoreApplication::applicationPid()));
    listener.setPath(path);
    connector.setPath(path);

    int status = 1;
    QObject::connect(&listener, &IPCSocket::dataAvailable, &app, [&] {
        if (listener.readAll() == "hello") {
            status = 0;
            app.quit();
        }
    });
    QObject::connect(&connector, &IPCSocket::connected, &app,
                     [&] { connector.write(QByteArray("hello")); });
    QTimer::singleShot(20000, &app, &QCoreApplication::quit);
    if (!listener.listen() || !connector.connect())
        return 1;
    app.exec();
    std::puts(status == 0 ? "consumer: round trip done" : "consumer: no round trip");
    return status;
}
