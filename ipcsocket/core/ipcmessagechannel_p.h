// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCMESSAGECHANNEL_P_H
#define IPCMESSAGECHANNEL_P_H

//
//  W A R N I N G
//  -------------
// This file is not part of the IPCSocket API. It may change without notice.
//

#include "ipcmessagechannel.h"
#include "ipcmessageframereader_p.h"

class IPCSocketPrivate;

#include <QtCore/qbytearray.h>
#include <QtCore/qpointer.h>

#include <vector>

class IPCMessageChannelPrivate
{
    Q_DECLARE_PUBLIC(IPCMessageChannel)
public:
    using Kind = IPCMessageFrameReader::Kind;
    static constexpr Kind Text = IPCMessageFrameReader::Text;
    static constexpr Kind Binary = IPCMessageFrameReader::Binary;
    static constexpr int HeaderSize = IPCMessageFrameReader::HeaderSize;
    // What the 32-bit length field can announce.
    static constexpr qint64 MaximumFrameLength = 0xFFFFFFFFll;
    // Texts up to this size are encoded right behind their header.
    static constexpr qint64 CoalesceLimit = 64 * 1024;
    // Messages, and their bytes, a messagesReceived() at most (see
    // readBatch()).
    static constexpr qsizetype GroupSize = 64;
    static constexpr qsizetype GroupBytes = 64 * 1024;

    explicit IPCMessageChannelPrivate(IPCMessageChannel *q) : q_ptr(q)
    {
        reader.setMaximumSize(maximumMessageSize);
    }

    void attach(IPCSocket *newSocket);
    void detach();
    void onSocketDestroyed();
    // Forgets the frame being read: a new connection starts a new stream.
    void resetReader();

    // One pass of reading the socket. A receiver may delete the channel or
    // the socket, close the socket or set another one; then the stream is
    // no longer ours to read. Each of the last three passes resetReader()
    // (destroyed(), aboutToClose(), detach()), which starts a generation.
    struct ReadPass
    {
        explicit ReadPass(IPCMessageChannelPrivate *channel);
        bool stillOurs() const { return guard && channel->generation == stream; }
        // Bytes taken in place are announced as read() announces them, but
        // only when someone listens (asking costs less than emitting a
        // signal a message): whether the stream is still ours after.
        bool announceRead() const;

        IPCMessageChannelPrivate *const channel;
        const QPointer<IPCMessageChannel> guard;
        const quint64 stream;
        IPCSocket *const reading;
        IPCSocketPrivate *const device;
        const bool announce;
    };

    // Reads what the socket holds, delivering each whole message.
    void readFrames();
    // What is not in the socket's buffer, through read(): false when
    // nothing came or the stream is no longer ours.
    bool readIntoReader(const ReadPass &pass);
    // Delivers the message the reader holds; false if it was rejected.
    bool deliver();
    // readFrames() while messagesReceived() has a receiver: every whole
    // message waits in pending, and one signal tells of them all.
    void readBatch();
    // Queues a message; false (and *cause) if it was rejected.
    bool queueMessage(Kind kind, QByteArray payload, QString *cause);
    // Emits the waiting messages one a signal: false if the stream is no
    // longer ours after a receiver.
    bool deliverPending(const ReadPass &pass);
    void onReadChannelFinished();

    // Error 110: closes the connection, then reports cause.
    void failProtocol(const QString &cause);

    qint64 send(Kind kind, const QByteArray &payload);
    // 106 on the channel itself: there is no socket to report it.
    bool checkHasSocket();

    IPCMessageChannel *const q_ptr;
    QPointer<IPCSocket> socket;
    qint64 maximumMessageSize = IPCMessageChannel::DefaultMaximumMessageSize;

    // The frame being read: its header, then its payload, allocated once
    // at its announced size and filled as the bytes arrive.
    IPCMessageFrameReader reader;
    // Changes whenever the reader is reset, so that a loop that emitted a
    // signal can tell that the stream it was reading is no longer there.
    quint64 generation = 0;

    // Whole messages waiting for receiveMessage(), from pendingFront on.
    // Emptied when all were taken, the vector keeps its room: a group of
    // messages allocates nothing for the queue.
    std::vector<IPCMessage> pending;
    std::size_t pendingFront = 0;
    bool hasPending() const { return pendingFront < pending.size(); }
    void clearPending()
    {
        // The room of a backlog goes with it; a group's stays.
        if (pending.capacity() > std::size_t(4 * GroupSize))
            std::vector<IPCMessage>().swap(pending);
        else
            pending.clear();
        pendingFront = 0;
    }
    template<typename Value>
    void appendPending(Value &&value)
    {
        // Taken ones go once they are half of it: the queue of a receiver
        // that takes fewer than arrive does not keep them all.
        if (pendingFront > 0 && pendingFront * 2 >= pending.size()) {
            pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(pendingFront));
            pendingFront = 0;
        }
        pending.emplace_back(std::forward<Value>(value));
    }
};

#endif // IPCMESSAGECHANNEL_P_H
