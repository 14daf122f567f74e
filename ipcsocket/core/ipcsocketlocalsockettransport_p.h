// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETLOCALSOCKETTRANSPORT_P_H
#define IPCSOCKETLOCALSOCKETTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsockettransport_p.h"

QT_BEGIN_NAMESPACE
class QLocalSocket;
QT_END_NAMESPACE

// The connection on QLocalSocket: what Windows uses, and Unix when
// IPCSOCKET_TRANSPORT=qlocalsocket is set (so that the tests cover it).
class IPCSocketLocalSocketTransport : public IPCSocketTransport
{
    Q_OBJECT
public:
    IPCSocketLocalSocketTransport(QLocalSocket *socket, QObject *parent);
    ~IPCSocketLocalSocketTransport() override;

    qint64 bytesAvailable() const override;
    qint64 read(char *data, qint64 maxSize) override;
    QByteArray peek(qint64 maxSize) override;
    bool canReadLine() override;
    qint64 write(const char *data, qint64 size) override;
    qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload) override;
    qint64 bytesToWrite() const override;
    bool flush() override;
    bool isConnected() const override;
    qintptr descriptor() const override;
    void poll() override;
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;
    void close(bool sendPending) override;

private:
    void end(const QString &cause);
    void closeSpare();
    void catchUp();
    void reportConfirmed();

    QLocalSocket *m_socket; // nullptr once the connection has ended
    // Unix: a second descriptor of the connection. A write that fails on a
    // gone peer makes QAbstractSocket close its own at once, and with it
    // what the peer sent that is still in the system; end() drains it
    // from this one.
    int m_spare = -1;
    // The one copy: what the lost connection still held, kept readable.
    QByteArray m_rest;
    qsizetype m_restOffset = 0;
    // Of QLocalSocket's bytes, how many its readyRead() has announced and
    // are not read yet: what it holds beyond that at the end was never
    // announced.
    qint64 m_announced = 0;
    // What QLocalSocket took from write(), and how much of it went (it
    // has left QLocalSocket's queue) and was reported by bytesWritten().
    qint64 m_handedOver = 0;
    qint64 m_confirmed = 0;
};

#endif // IPCSOCKETLOCALSOCKETTRANSPORT_P_H
