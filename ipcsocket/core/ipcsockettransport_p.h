// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETTRANSPORT_P_H
#define IPCSOCKETTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcsocketplatform_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qobject.h>

// One established connection: the bytes both ways, and its end. IPCSocket
// is the same on every transport; only how the bytes move differs.
class IPCSocketTransport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // What arrived and is not read yet; after the end, what is left of it.
    virtual qint64 bytesAvailable() const = 0;
    virtual qint64 read(char *data, qint64 maxSize) = 0;
    virtual QByteArray peek(qint64 maxSize) = 0;
    virtual bool canReadLine() = 0;
    // The front of what arrived, where it lies in memory (perhaps less than
    // bytesAvailable()), for a reader that parses in place; consume()
    // takes bytes of it.
    virtual QByteArrayView buffered() const { return {}; }
    virtual void consume(qsizetype bytes) { Q_UNUSED(bytes); }

    virtual qint64 write(const char *data, qint64 size) = 0;
    // One write of head and then payload, the payload not copied where the
    // transport can keep a reference to it instead. size of both, or -1.
    virtual qint64 writeFrame(const char *head, qsizetype headSize, const QByteArray &payload) = 0;
    // Collected bytes and queued ones alike.
    virtual qint64 bytesToWrite() const = 0;
    // Hands what is queued to the system now; true if any bytes went.
    virtual bool flush() = 0;

    // False once the connection has ended.
    virtual bool isConnected() const = 0;
    virtual qintptr descriptor() const = 0;

    // Reads and writes what the system is ready for, without an event loop.
    virtual void poll() = 0;
    virtual bool waitForReadyRead(int msecs) = 0;
    virtual bool waitForBytesWritten(int msecs) = 0;

    // Whether bytes sent by write() are reported by the event loop even
    // when no flush() follows. Off when nobody listens to bytesWritten():
    // arming the write notifier for it costs more than the send itself.
    virtual void setReportsWrites(bool reports) { Q_UNUSED(reports); }

    // The end of a pass of the event loop that this transport asked
    // IPCSocketEndOfPass for: hands over what it collected.
    virtual void endOfPass() { }

    // Ends the connection from this side. With sendPending, the bytes that
    // write() accepted still go out first; either way the transport deletes
    // itself when it is done, and emits nothing more to its old owner.
    virtual void close(bool sendPending) = 0;

    // Who is at the other end, as the system said when the connection was
    // made: Windows stops saying once the peer has gone.
    const IPCSocketPeerCredentials &peer() const { return m_peer; }
    void setPeer(const IPCSocketPeerCredentials &peer) { m_peer = peer; }

Q_SIGNALS:
    void readyRead();
    void bytesWritten(qint64 bytes);
    // The peer closed the connection, or it failed; emitted once. Every
    // byte that arrived has been announced by readyRead() before: the
    // owner relies on it to report the end only after the data.
    void ended(const QString &cause);

private:
    IPCSocketPeerCredentials m_peer;
};

#endif // IPCSOCKETTRANSPORT_P_H
