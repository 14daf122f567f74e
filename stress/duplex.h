// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_DUPLEX_H
#define STRESS_DUPLEX_H

#include "random.h"
#include "stream.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

class IPCSocket;

namespace Stress {

// One side of a two-way stream on a connected (or connecting) socket:
// writes of random sizes while bytesLeftToSend() stays under a bound, reads
// of random sizes, random pauses of either; every byte that arrives is
// checked against the stream the other side sends.
class Duplex : public QObject
{
    Q_OBJECT
public:
    struct Shape
    {
        qint64 maximumWrite = 1024 * 1024;
        qint64 maximumRead = 1024 * 1024;
        qint64 queueBound = 4 * 1024 * 1024;
        double pauseChance = 0.02; // a pause after a write or a read
        int maximumPauseMs = 20;
    };

    Duplex(IPCSocket *socket, quint64 seed, quint64 sendKey, quint64 receiveKey, const Shape &shape,
           QObject *parent = nullptr);

    // Sends this many bytes in all (-1: until stopSending()).
    void setSendLimit(qint64 total);
    void stopSending();

    qint64 sent() const { return m_writer.offset(); }
    qint64 received() const { return m_checker.received(); }
    bool isSendingDone() const { return m_sendingDone; }
    int lostCount() const { return m_lost; }
    // Every error number other than 102 that the socket gave.
    QList<int> otherErrors() const { return m_otherErrors; }
    // Empty while every byte was right and every write accepted.
    QString problem() const;

Q_SIGNALS:
    // The limit is reached (or sending was stopped) and nothing is queued.
    void sendingDone();
    void lost();

private:
    void start();
    void pump();
    void drain(bool ignorePause);
    void pause(bool *flag, void (Duplex::*resume)());
    void resumeWriting();
    void resumeReading();
    void checkSendingDone();

    QPointer<IPCSocket> m_socket;
    Random m_random;
    Shape m_shape;
    StreamWriter m_writer;
    StreamChecker m_checker;
    qint64 m_limit = -1;
    bool m_writePaused = false;
    bool m_readPaused = false;
    bool m_pumpQueued = false;
    bool m_sendingDone = false;
    bool m_started = false;
    int m_lost = 0;
    QList<int> m_otherErrors;
    QString m_writeProblem;
};

} // namespace Stress

#endif // STRESS_DUPLEX_H
