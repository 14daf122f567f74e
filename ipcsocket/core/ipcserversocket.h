// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSERVERSOCKET_H
#define IPCSERVERSOCKET_H

#include <ipcsocket.h>
#include <ipcsocket_export.h>

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>

#include <memory>

class IPCServerSocketPrivate;

// Xojo's ServerSocket model on a socket file: many peers on one path, each
// carried by its own IPCSocket.
class IPCSOCKET_EXPORT IPCServerSocket : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(IPCSocket::AccessMode accessMode READ accessMode WRITE setAccessMode NOTIFY
                       accessModeChanged)
    Q_PROPERTY(int maximumSocketsConnected READ maximumSocketsConnected WRITE
                       setMaximumSocketsConnected NOTIFY maximumSocketsConnectedChanged)
    Q_PROPERTY(bool isListening READ isListening NOTIFY isListeningChanged)
    Q_PROPERTY(qintptr handle READ handle NOTIFY handleChanged)
    Q_PROPERTY(int lastErrorCode READ lastErrorCode NOTIFY lastErrorCodeChanged)
    Q_PROPERTY(int connectionCount READ connectionCount NOTIFY connectionCountChanged)

public:
    explicit IPCServerSocket(QObject *parent = nullptr);
    ~IPCServerSocket() override;

    QString path() const;
    void setPath(const QString &path);

    IPCSocket::AccessMode accessMode() const;
    void setAccessMode(IPCSocket::AccessMode mode);

    // At the limit, new peers wait in the system's backlog; 0: no limit.
    int maximumSocketsConnected() const;
    void setMaximumSocketsConnected(int maximum);

    bool isListening() const;
    qintptr handle() const;
    int lastErrorCode() const;
    int connectionCount() const;

    Q_INVOKABLE QList<IPCSocket *> activeConnections() const;

public Q_SLOTS:
    bool listen();
    void stopListening();
    void close();
    void poll();

Q_SIGNALS:
    void peerConnected(IPCSocket *socket);
    void error(int errorNumber, const QString &message);

    void pathChanged(const QString &path);
    void accessModeChanged(IPCSocket::AccessMode mode);
    void maximumSocketsConnectedChanged(int maximum);
    void isListeningChanged(bool isListening);
    void handleChanged();
    void lastErrorCodeChanged(int lastErrorCode);
    void connectionCountChanged(int connectionCount);

protected:
    // Xojo's AddSocket event: makes the socket that will carry the next
    // peer. A subclass returns its own IPCSocket subclass.
    virtual IPCSocket *addSocket();

private:
    Q_DISABLE_COPY_MOVE(IPCServerSocket)
    const std::unique_ptr<IPCServerSocketPrivate> d;
    friend class IPCServerSocketPrivate;
};

#endif // IPCSERVERSOCKET_H
