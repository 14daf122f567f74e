// SPDX-License-Identifier: BSD-3-Clause
#include "duplex.h"

#include <ipcsocket.h>

#include <QtCore/qtimer.h>

namespace Stress {

Duplex::Duplex(IPCSocket *socket, quint64 seed, quint64 sendKey, quint64 receiveKey,
               const Shape &shape, QObject *parent)
    : QObject(parent), m_socket(socket), m_random(seed), m_shape(shape), m_writer(sendKey),
      m_checker(receiveKey)
{
    QObject::connect(socket, &IPCSocket::connected, this, &Duplex::start);
    QObject::connect(socket, &IPCSocket::dataAvailable, this, [this] { drain(false); });
    QObject::connect(socket, &IPCSocket::bytesWritten, this, &Duplex::pump);
    QObject::connect(socket, &IPCSocket::error, this, [this](int code, const QString &message) {
        if (code != 102) {
            m_otherErrors.append(code);
            if (m_writeProblem.isEmpty())
                m_writeProblem = QStringLiteral("error %1: %2").arg(code).arg(message);
            return;
        }
        // Every byte the peer sent is readable now, whatever the pause.
        drain(true);
        ++m_lost;
        emit lost();
    });
}

void Duplex::setSendLimit(qint64 total)
{
    m_limit = total;
    if (m_started)
        pump();
}

void Duplex::stopSending()
{
    m_limit = sent();
    checkSendingDone();
}

QString Duplex::problem() const
{
    if (!m_checker.isGood())
        return m_checker.problem();
    return m_writeProblem;
}

void Duplex::start()
{
    m_started = true;
    pump();
}

void Duplex::pump()
{
    m_pumpQueued = false;
    if (!m_socket || !m_started || m_writePaused)
        return;
    // A few writes a turn, so that reading gets its turn when the system
    // takes everything at once.
    for (int turn = 0; turn < 8; ++turn) {
        if (!m_socket->isConnected() || m_socket->bytesLeftToSend() >= m_shape.queueBound)
            break;
        qint64 size = m_random.spread(1, m_shape.maximumWrite);
        if (m_limit >= 0)
            size = qMin(size, m_limit - sent());
        if (size <= 0)
            break;
        const QByteArray bytes = m_writer.next(size);
        const qint64 taken = m_socket->write(bytes);
        m_writer.accepted(size, taken);
        if (taken != size && m_socket->isConnected() && m_writeProblem.isEmpty())
            m_writeProblem = QStringLiteral("write() of %1 bytes returned %2 while connected")
                                     .arg(size)
                                     .arg(taken);
        if (m_random.chance(m_shape.pauseChance)) {
            pause(&m_writePaused, &Duplex::resumeWriting);
            break;
        }
    }
    checkSendingDone();
    const bool more = m_limit < 0 || sent() < m_limit;
    if (more && !m_writePaused && !m_pumpQueued && m_socket && m_socket->isConnected()
        && m_socket->bytesLeftToSend() < m_shape.queueBound) {
        m_pumpQueued = true;
        QTimer::singleShot(0, this, &Duplex::pump);
    }
}

void Duplex::checkSendingDone()
{
    if (m_sendingDone || !m_socket || m_limit < 0 || sent() < m_limit
        || m_socket->bytesLeftToSend() > 0)
        return;
    m_sendingDone = true;
    emit sendingDone();
}

void Duplex::drain(bool ignorePause)
{
    if (!m_socket || (m_readPaused && !ignorePause))
        return;
    while (m_socket && m_socket->bytesAvailable() > 0) {
        const QByteArray bytes = m_random.chance(0.1)
                                         ? m_socket->readAll()
                                         : m_socket->read(m_random.spread(1, m_shape.maximumRead));
        if (bytes.isEmpty())
            break;
        m_checker.check(bytes);
        if (!ignorePause && m_random.chance(m_shape.pauseChance)) {
            pause(&m_readPaused, &Duplex::resumeReading);
            return;
        }
    }
    // Reading makes room for writes too: bytesLeftToSend() may be waiting.
    checkSendingDone();
}

void Duplex::pause(bool *flag, void (Duplex::*resume)())
{
    *flag = true;
    QTimer::singleShot(int(m_random.between(1, m_shape.maximumPauseMs)), this, resume);
}

void Duplex::resumeWriting()
{
    m_writePaused = false;
    pump();
}

void Duplex::resumeReading()
{
    m_readPaused = false;
    drain(false);
}

} // namespace Stress
