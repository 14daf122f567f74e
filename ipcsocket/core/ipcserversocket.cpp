// SPDX-License-Identifier: BSD-3-Clause
#include "ipcserversocket.h"
#include "ipcserversocket_p.h"
#include "ipcsocket_p.h"
#include "ipcsocketlistener_p.h"
#include "ipcsocketpath_p.h"
#include "ipcsockettransport_p.h"

#include <QtCore/qscopeguard.h>

// ---------------------------------------------------------------------------
// IPCServerSocketPrivate

void IPCServerSocketPrivate::fail(const IPCSocketFailure &failure)
{
    Q_Q(IPCServerSocket);
    const bool changed = std::exchange(lastErrorCode, failure.code) != failure.code;
    QPointer<IPCServerSocket> guard(q);
    if (changed)
        emit q->lastErrorCodeChanged(lastErrorCode);
    if (guard)
        emit q->error(failure.code, failure.message);
}

void IPCServerSocketPrivate::takePeer(IPCSocketTransport *connection)
{
    Q_Q(IPCServerSocket);
    QPointer<IPCServerSocket> guard(q);
    QPointer<IPCSocket> socket = q->addSocket();
    // A connection nobody takes is closed by the listener.
    if (!guard || !socket)
        return;
    if (!socket->parent())
        socket->setParent(q);
    socket->setPath(path);
    socket->setAccessMode(accessMode);
    connections.append(socket);
    IPCSocket *raw = socket;
    QObject::connect(raw, &IPCSocket::isConnectedChanged, q, [this, raw](bool connected) {
        if (!connected)
            release(raw);
    });
    // The socket is half gone when this comes: only forget it.
    QObject::connect(raw, &QObject::destroyed, q, [this, raw] { release(raw); });

    IPCSocketPrivate::get(raw)->takePeer(connection);
    if (!guard)
        return;
    emit q->connectionCountChanged(q->connectionCount());
    updateAccepting();
    if (guard && socket)
        emit q->peerConnected(socket);
}

void IPCServerSocketPrivate::release(IPCSocket *socket)
{
    Q_Q(IPCServerSocket);
    const qsizetype before = connections.size();
    QPointer<IPCSocket> alive;
    connections.removeIf([&](const QPointer<IPCSocket> &connection) {
        if (connection == socket)
            alive = connection;
        return !connection || connection == socket;
    });
    if (connections.size() == before)
        return;
    if (alive) {
        QObject::disconnect(alive, nullptr, q, nullptr);
        if (alive->parent() == q) {
            alive->deleteLater();
            ended.append(alive);
        }
    }
    updateAccepting();
    emit q->connectionCountChanged(q->connectionCount());
}

void IPCServerSocketPrivate::updateAccepting()
{
    if (listener)
        listener->setPaused(maximumSocketsConnected > 0
                            && connections.size() >= maximumSocketsConnected);
}

void IPCServerSocketPrivate::notifyListening()
{
    Q_Q(IPCServerSocket);
    const bool now = q->isListening();
    if (std::exchange(notifiedListening, now) == now)
        return;
    QPointer<IPCServerSocket> guard(q);
    emit q->handleChanged();
    if (guard)
        emit q->isListeningChanged(now);
}

// ---------------------------------------------------------------------------
// IPCServerSocket

IPCServerSocket::IPCServerSocket(QObject *parent)
    : QObject(parent), d(new IPCServerSocketPrivate(this))
{ }

IPCServerSocket::~IPCServerSocket()
{
    // The connections die with us as children; they must not call back
    // into a half-destroyed server.
    if (d->listener)
        d->listener->stop();
    for (const QPointer<IPCSocket> &socket : std::as_const(d->connections)) {
        if (socket)
            QObject::disconnect(socket, nullptr, this, nullptr);
    }
}

QString IPCServerSocket::path() const
{
    return d->path;
}

void IPCServerSocket::setPath(const QString &path)
{
    if (d->path == path)
        return;
    d->path = path;
    emit pathChanged(path);
}

IPCSocket::AccessMode IPCServerSocket::accessMode() const
{
    return d->accessMode;
}

void IPCServerSocket::setAccessMode(IPCSocket::AccessMode mode)
{
    if (d->accessMode == mode)
        return;
    d->accessMode = mode;
    emit accessModeChanged(mode);
}

int IPCServerSocket::maximumSocketsConnected() const
{
    return d->maximumSocketsConnected;
}

void IPCServerSocket::setMaximumSocketsConnected(int maximum)
{
    maximum = qMax(maximum, 0);
    if (d->maximumSocketsConnected == maximum)
        return;
    d->maximumSocketsConnected = maximum;
    d->updateAccepting();
    emit maximumSocketsConnectedChanged(maximum);
}

bool IPCServerSocket::isListening() const
{
    return d->listener && d->listener->isListening();
}

qintptr IPCServerSocket::handle() const
{
    return isListening() ? d->listener->handle() : -1;
}

int IPCServerSocket::lastErrorCode() const
{
    return d->lastErrorCode;
}

int IPCServerSocket::connectionCount() const
{
    // A connection leaves the list when it is destroyed (its pointer is
    // null only while its destroyed() is being emitted): counted without
    // a copy of the list, which each new peer would pay for all the others.
    return int(d->connections.size());
}

QList<IPCSocket *> IPCServerSocket::activeConnections() const
{
    QList<IPCSocket *> sockets;
    sockets.reserve(d->connections.size());
    for (const QPointer<IPCSocket> &socket : std::as_const(d->connections)) {
        if (socket)
            sockets.append(socket);
    }
    return sockets;
}

bool IPCServerSocket::listen()
{
    constexpr const char *action = "listen on";
    if (isListening()) {
        d->fail(IPCSocketPath::failure(IPCSocket::InvalidStateError, action, d->path,
                                       QStringLiteral("the server is already listening; "
                                                      "stopListening() first")));
        return false;
    }
    if (const IPCSocketFailure failure = IPCSocketPath::check(d->path, action);
        failure.isFailure()) {
        d->fail(failure);
        return false;
    }
    auto *listener = new IPCSocketListener(this);
    IPCSocketFailure failure;
    if (!listener->listen(d->path, d->accessMode, &failure)) {
        delete listener;
        d->fail(failure);
        return false;
    }
    QObject::connect(listener, &IPCSocketListener::peerArrived, this,
                     [this](IPCSocketTransport *connection) { d->takePeer(connection); });
    // Refused peers and resource failures: the server goes on.
    QObject::connect(listener, &IPCSocketListener::failed, this,
                     [this](const IPCSocketFailure &failure) { d->fail(failure); });
    d->listener = listener;
    d->updateAccepting();
    d->notifyListening();
    return true;
}

void IPCServerSocket::stopListening()
{
    if (IPCSocketListener *listener = d->listener) {
        d->listener = nullptr;
        listener->stop();
        listener->deleteLater();
    }
    d->notifyListening();
}

void IPCServerSocket::close()
{
    QPointer<IPCServerSocket> guard(this);
    stopListening();
    const QList<QPointer<IPCSocket>> connections = d->connections;
    for (const QPointer<IPCSocket> &socket : connections) {
        if (!guard)
            return;
        if (socket)
            socket->close();
    }
}

void IPCServerSocket::poll()
{
    if (d->pollDepth == 0) {
        for (const QPointer<IPCSocket> &socket : std::exchange(d->endedEarlier, {})) {
            if (socket && socket->parent() == this)
                delete socket.data();
        }
        d->endedEarlier = std::exchange(d->ended, {});
    }
    QPointer<IPCServerSocket> guard(this);
    ++d->pollDepth;
    const auto leave = qScopeGuard([&] {
        if (guard)
            --d->pollDepth;
    });
    if (d->listener)
        d->listener->poll();
    const QList<QPointer<IPCSocket>> connections = d->connections;
    for (const QPointer<IPCSocket> &socket : connections) {
        if (!guard)
            return;
        if (socket)
            socket->poll();
    }
}

IPCSocket *IPCServerSocket::addSocket()
{
    return new IPCSocket(this);
}
