// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKET_H
#define IPCSOCKET_H

#include <ipcsocket_export.h>

#include <QtCore/qiodevice.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringconverter.h>

#include <memory>

class IPCSocketPrivate;

// Xojo's IPCSocket as a Qt device: one side listen()s on a socket file, the
// other connect()s to it, then both read and write bytes.
class IPCSOCKET_EXPORT IPCSocket : public QIODevice
{
    Q_OBJECT
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(AccessMode accessMode READ accessMode WRITE setAccessMode NOTIFY accessModeChanged)
    Q_PROPERTY(qint64 bytesAvailable READ bytesAvailable NOTIFY bytesAvailableChanged)
    Q_PROPERTY(qint64 bytesLeftToSend READ bytesLeftToSend NOTIFY bytesLeftToSendChanged)
    Q_PROPERTY(qintptr handle READ handle NOTIFY handleChanged)
    Q_PROPERTY(bool isConnected READ isConnected NOTIFY isConnectedChanged)
    Q_PROPERTY(bool isConnecting READ isConnecting NOTIFY isConnectingChanged)
    Q_PROPERTY(bool isListening READ isListening NOTIFY isListeningChanged)
    Q_PROPERTY(int lastErrorCode READ lastErrorCode NOTIFY lastErrorCodeChanged)
    Q_PROPERTY(int connectTimeout READ connectTimeout WRITE setConnectTimeout NOTIFY
                       connectTimeoutChanged)
    Q_PROPERTY(qint64 peerProcessId READ peerProcessId NOTIFY peerIdentityChanged)
    Q_PROPERTY(qint64 peerUserId READ peerUserId NOTIFY peerIdentityChanged)
    Q_PROPERTY(qint64 peerGroupId READ peerGroupId NOTIFY peerIdentityChanged)

public:
    // Xojo's socket error numbers, plus 109.
    enum SocketError {
        NoError = 0,
        OpenDriverError = 100,
        LostConnection = 102,
        NameResolutionError = 103,
        AddressInUseError = 105,
        InvalidStateError = 106,
        InvalidPathError = 107,
        OutOfMemoryError = 108,
        PermissionDeniedError = 109,
        ProtocolError = 110,
    };
    Q_ENUM(SocketError)

    // Who may connect to a listener's socket file.
    enum AccessMode {
        UserOnly,
        GroupAccess,
        WorldAccess,
    };
    Q_ENUM(AccessMode)

    explicit IPCSocket(QObject *parent = nullptr);
    ~IPCSocket() override;

    QString path() const;
    void setPath(const QString &path);

    AccessMode accessMode() const;
    void setAccessMode(AccessMode mode);

    qint64 bytesAvailable() const override;
    qint64 bytesLeftToSend() const;
    qint64 bytesToWrite() const override;
    qintptr handle() const;
    bool isConnected() const;
    // connect() is waiting for a listener (connectTimeout).
    bool isConnecting() const;
    bool isListening() const;
    int lastErrorCode() const;

    // Milliseconds that connect() keeps trying while nothing listens; 0
    // fails at once with 103, as Xojo does.
    int connectTimeout() const;
    void setConnectTimeout(int milliseconds);

    // Who is at the other end, as the kernel says: from connected() until
    // the next listen() or connect(), -1 where unknown.
    qint64 peerProcessId() const;
    qint64 peerUserId() const;
    qint64 peerGroupId() const;

    bool isSequential() const override;
    bool canReadLine() const override;
    bool open(OpenMode mode) override;
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;

    Q_INVOKABLE bool endOfFile() const;

    Q_INVOKABLE QByteArray lookahead() const;
    QString lookahead(QStringConverter::Encoding encoding) const;

    using QIODevice::read;
    QString read(qint64 byteCount, QStringConverter::Encoding encoding);

    // Hides QIODevice::readAll(), which reads in 16 KiB pieces: this one
    // reads what is there in one go, straight from the system when it can.
    QByteArray readAll();
    QString readAll(QStringConverter::Encoding encoding);

    // These hide QIODevice's non-virtual write()s so that a write while not
    // connected is error 106 and not only a "device not open" warning.
    qint64 write(const char *data, qint64 length);
    qint64 write(const char *data);
    qint64 write(const QByteArray &data);
    qint64 write(const QString &text, QStringConverter::Encoding encoding = QStringConverter::Utf8);

    // Text by encoding name ("UTF-8", "UTF-16LE", "ISO-8859-1", ...), for QML
    // and other callers that have no QStringConverter::Encoding.
    Q_INVOKABLE QString readText(qint64 byteCount,
                                 const QString &encoding = QStringLiteral("UTF-8"));
    Q_INVOKABLE QString readAllText(const QString &encoding = QStringLiteral("UTF-8"));
    Q_INVOKABLE QString lookaheadText(const QString &encoding = QStringLiteral("UTF-8")) const;
    Q_INVOKABLE qint64 writeText(const QString &text,
                                 const QString &encoding = QStringLiteral("UTF-8"));

public Q_SLOTS:
    bool listen();
    bool connect();
    void close() override;
    bool flush();
    void poll();

Q_SIGNALS:
    void connected();
    void dataAvailable();
    void error(int errorNumber, const QString &message);

    void pathChanged(const QString &path);
    void accessModeChanged(IPCSocket::AccessMode mode);
    void bytesAvailableChanged();
    void bytesLeftToSendChanged();
    void handleChanged();
    void isConnectedChanged(bool isConnected);
    void isConnectingChanged(bool isConnecting);
    void isListeningChanged(bool isListening);
    void lastErrorCodeChanged(int lastErrorCode);
    void connectTimeoutChanged(int connectTimeout);
    void peerIdentityChanged();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    Q_DISABLE_COPY_MOVE(IPCSocket)
    // QObject's d_ptr belongs to QIODevicePrivate, which is not public API.
    const std::unique_ptr<IPCSocketPrivate> d;
    friend class IPCSocketPrivate;
};

#endif // IPCSOCKET_H
