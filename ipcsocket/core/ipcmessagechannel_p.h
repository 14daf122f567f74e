// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCMESSAGECHANNEL_P_H
#define IPCMESSAGECHANNEL_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcmessagechannel.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qpointer.h>

class IPCMessageChannelPrivate
{
    Q_DECLARE_PUBLIC(IPCMessageChannel)
public:
    enum Kind : quint8 {
        Text = 0x01,
        Binary = 0x02,
    };
    static constexpr int HeaderSize = 5;
    // What the 32-bit length field can announce.
    static constexpr qint64 MaximumFrameLength = 0xFFFFFFFFll;
    // Payloads up to this size go out in one write with their header: the
    // copy costs less than a second write (and a wake-up of the reader for
    // a lone header). Larger ones are not copied just to prepend 5 bytes.
    static constexpr qint64 CoalesceLimit = 64 * 1024;

    explicit IPCMessageChannelPrivate(IPCMessageChannel *q) : q_ptr(q) { }

    void attach(IPCSocket *newSocket);
    void detach();
    void onSocketDestroyed();
    // Forgets the frame being read: a new connection starts a new stream.
    void resetReader();

    // Reads what the socket holds, delivering each whole message.
    void readFrames();
    // True when the header is complete and acceptable; fails it otherwise.
    bool checkHeader();
    // Delivers the complete frame; false if it was rejected.
    bool deliver();
    void onReadChannelFinished();

    // Error 110: closes the connection, then reports cause.
    void failProtocol(const QString &cause);
    QString describeSocket() const;

    static void writeHeader(char *out, Kind kind, quint32 length);
    qint64 send(Kind kind, const QByteArray &payload);
    // 106 on the channel itself: there is no socket to report it.
    bool checkHasSocket();

    IPCMessageChannel *const q_ptr;
    QPointer<IPCSocket> socket;
    qint64 maximumMessageSize = IPCMessageChannel::DefaultMaximumMessageSize;

    // The frame being read: its header, then its payload, allocated once
    // at its announced size and filled as the bytes arrive.
    char header[HeaderSize] = {};
    int headerFilled = 0;
    QByteArray payload;
    qsizetype payloadFilled = 0;
    // Changes whenever the reader is reset, so that a loop that emitted a
    // signal can tell that the stream it was reading is no longer there.
    quint64 generation = 0;
};

#endif // IPCMESSAGECHANNEL_P_H
