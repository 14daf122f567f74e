// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketlocalsockettransport_p.h"
#include "ipcsocketplatform_p.h"
#include "ipcsockettransports_p.h"

#include <QtCore/qpointer.h>
#include <QtNetwork/qlocalsocket.h>

#include <cstring>

#ifndef Q_OS_WIN
#include <fcntl.h>
#include <unistd.h>
#endif

IPCSocketLocalSocketTransport::IPCSocketLocalSocketTransport(QLocalSocket *socket, QObject *parent)
    : IPCSocketTransport(parent), m_socket(socket)
{
#ifndef Q_OS_WIN
    m_spare = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
#endif
    socket->setParent(this);
    QObject::connect(socket, &QLocalSocket::readyRead, this, [this] {
        m_announced = m_socket->bytesAvailable();
        emit readyRead();
    });
    QObject::connect(socket, &QLocalSocket::bytesWritten, this,
                     &IPCSocketLocalSocketTransport::reportConfirmed);
    QObject::connect(socket, &QLocalSocket::disconnected, this,
                     [this] { end(QStringLiteral("the peer closed it")); });
    QObject::connect(socket, &QLocalSocket::errorOccurred, this,
                     [this](QLocalSocket::LocalSocketError error) {
                         // waitForReadyRead(0) in poll() reports its time-out as an error.
                         if (error == QLocalSocket::SocketTimeoutError)
                             return;
#ifdef Q_OS_WIN
                         // A write that found the peer gone: QLocalSocket
                         // closes the pipe right after this, and only then
                         // takes in what its reader had read; its
                         // disconnected() ends the connection.
                         if (error == QLocalSocket::PeerClosedError)
                             return;
#endif
                         end(error == QLocalSocket::PeerClosedError
                                     ? QStringLiteral("the peer closed it")
                                     : m_socket->errorString());
                     });
    // A socket that waited in QLocalServer's queue may have announced its
    // bytes, or its end, to nobody: both are told again once the owner
    // listens.
    if (socket->bytesAvailable() > 0 || socket->state() != QLocalSocket::ConnectedState)
        QMetaObject::invokeMethod(this, &IPCSocketLocalSocketTransport::catchUp,
                                  Qt::QueuedConnection);
}

IPCSocketLocalSocketTransport::~IPCSocketLocalSocketTransport()
{
    closeSpare();
}

void IPCSocketLocalSocketTransport::catchUp()
{
    if (!m_socket)
        return;
    const QPointer<IPCSocketLocalSocketTransport> guard(this);
    if (m_socket->bytesAvailable() > m_announced) {
        m_announced = m_socket->bytesAvailable();
        emit readyRead();
    }
    if (guard && m_socket && m_socket->state() == QLocalSocket::UnconnectedState)
        end(QStringLiteral("the peer closed it"));
}

void IPCSocketLocalSocketTransport::closeSpare()
{
#ifndef Q_OS_WIN
    if (m_spare >= 0)
        ::close(std::exchange(m_spare, -1));
#endif
}

qint64 IPCSocketLocalSocketTransport::bytesAvailable() const
{
    return !m_socket ? m_rest.size() - m_restOffset : m_socket->bytesAvailable();
}

qint64 IPCSocketLocalSocketTransport::read(char *data, qint64 maxSize)
{
    if (m_socket) {
        const qint64 n = qMax<qint64>(m_socket->read(data, maxSize), 0);
        m_announced = qMax<qint64>(m_announced - n, 0);
        return n;
    }
    const qint64 n = qMin(maxSize, bytesAvailable());
    std::memcpy(data, m_rest.constData() + m_restOffset, size_t(n));
    m_restOffset += qsizetype(n);
    return n;
}

QByteArray IPCSocketLocalSocketTransport::peek(qint64 maxSize)
{
    if (m_socket)
        return m_socket->peek(maxSize);
    return QByteArray(m_rest.constData() + m_restOffset,
                      qsizetype(qMin(maxSize, bytesAvailable())));
}

bool IPCSocketLocalSocketTransport::canReadLine()
{
    if (m_socket)
        return m_socket->canReadLine();
    return std::memchr(m_rest.constData() + m_restOffset, '\n', size_t(bytesAvailable()));
}

qint64 IPCSocketLocalSocketTransport::write(const char *data, qint64 size)
{
    const qint64 n = isConnected() ? m_socket->write(data, size) : -1;
    m_handedOver += qMax<qint64>(n, 0);
    return n;
}

void IPCSocketLocalSocketTransport::reportConfirmed()
{
    // QLocalSocket does not emit bytesWritten() inside a slot of its own
    // bytesWritten(): a flush() there takes in confirmations that nobody
    // then hears of, and a writer driven by bytesWritten() would wait for
    // ever. What went is counted instead, from what is still queued.
    if (!isConnected())
        return;
    const qint64 confirmed = m_handedOver - m_socket->bytesToWrite();
    if (confirmed <= m_confirmed)
        return;
    const qint64 bytes = confirmed - m_confirmed;
    m_confirmed = confirmed;
    emit bytesWritten(bytes);
}

qint64 IPCSocketLocalSocketTransport::writeFrame(const char *head, qsizetype headSize,
                                                 const QByteArray &payload)
{
    // QIODevice keeps a large QByteArray in its write buffer by reference.
    if (!isConnected() || m_socket->write(head, headSize) < 0)
        return -1;
    m_handedOver += headSize;
    if (!m_socket || m_socket->write(payload) < 0)
        return -1;
    m_handedOver += payload.size();
    return headSize + payload.size();
}

qint64 IPCSocketLocalSocketTransport::bytesToWrite() const
{
    return !m_socket ? 0 : m_socket->bytesToWrite();
}

bool IPCSocketLocalSocketTransport::flush()
{
    if (!m_socket)
        return false;
#ifdef Q_OS_WIN
    // Windows' pipe writer hands every write to the system at once; its
    // flush() only takes in the completions that came. A write the system
    // has not confirmed yet went all the same; bytesWritten() follows from
    // the event loop.
    const bool inFlight = m_socket->bytesToWrite() > 0;
    const bool wrote = m_socket->flush() || inFlight;
#else
    const bool wrote = m_socket->flush();
#endif
    if (m_socket)
        reportConfirmed();
    return wrote;
}

bool IPCSocketLocalSocketTransport::isConnected() const
{
    return m_socket && m_socket->state() == QLocalSocket::ConnectedState;
}

qintptr IPCSocketLocalSocketTransport::descriptor() const
{
    return !m_socket ? -1 : m_socket->socketDescriptor();
}

void IPCSocketLocalSocketTransport::poll()
{
    catchUp(); // without an event loop the queued one never comes
    if (!m_socket)
        return;
    const QPointer<IPCSocketLocalSocketTransport> guard(this);
    if (m_socket->bytesToWrite() > 0)
        m_socket->flush();
    if (guard && m_socket)
        reportConfirmed();
    if (guard && m_socket)
        m_socket->waitForReadyRead(0);
}

bool IPCSocketLocalSocketTransport::waitForReadyRead(int msecs)
{
    return m_socket && m_socket->waitForReadyRead(msecs);
}

bool IPCSocketLocalSocketTransport::waitForBytesWritten(int msecs)
{
    return m_socket && m_socket->waitForBytesWritten(msecs);
}

void IPCSocketLocalSocketTransport::close(bool sendPending)
{
    QObject::disconnect(this, nullptr, nullptr, nullptr);
    // Out of its owner's children: the owner may be being deleted (even
    // from a slot of ours) while this still unwinds.
    setParent(nullptr);
    // Else the connection would outlive QLocalSocket's descriptor.
    closeSpare();
    if (!m_socket) {
        IPCSocketTransports::dispose(this);
        return;
    }
    if (!sendPending || m_socket->state() != QLocalSocket::ConnectedState
        || !IPCSocketTransports::hasEventLoop(this)) {
        m_socket->abort();
        IPCSocketTransports::dispose(this);
        return;
    }
    // Nothing of the socket's reaches end() any more: a flush() that finds
    // the peer gone would clear m_socket under our feet.
    QObject::disconnect(m_socket, nullptr, this, nullptr);
    // As QLocalSocket::disconnectFromServer() does: what is queued goes out
    // first.
    m_socket->flush();
    if (m_socket->bytesToWrite() > 0)
        IPCSocketTransports::keepAlive(this);
    QObject::connect(m_socket, &QLocalSocket::disconnected, this, &QObject::deleteLater);
    m_socket->disconnectFromServer();
    if (m_socket->state() == QLocalSocket::UnconnectedState)
        deleteLater();
}

void IPCSocketLocalSocketTransport::end(const QString &cause)
{
    if (!m_socket)
        return;
    // Keep what arrived: the socket's buffer, and what the system still
    // holds (a failed write makes QAbstractSocket drop both).
    m_rest = m_socket->readAll();
    const qsizetype announced = qsizetype(qMin<qint64>(m_announced, m_rest.size()));
    IPCSocketPlatform::drain(m_spare >= 0 ? m_spare : m_socket->socketDescriptor(), &m_rest);
    closeSpare();
    QObject::disconnect(m_socket, nullptr, this, nullptr);
    std::exchange(m_socket, nullptr)->deleteLater();
    // Bytes that only the drain found, or that QLocalSocket took in at its
    // end, were never announced by it.
    QPointer<IPCSocketLocalSocketTransport> guard(this);
    if (m_rest.size() > announced)
        emit readyRead();
    if (guard)
        emit ended(cause);
}
