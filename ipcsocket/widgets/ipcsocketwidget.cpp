// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketwidget.h"

#include <QtGui/qpainter.h>
#include <QtGui/qpixmap.h>

static void initResources()
{
    // The icons live in a static library linked into this one.
    Q_INIT_RESOURCE(ipcsocket_icons);
}

IPCSocketWidget::IPCSocketWidget(QWidget *parent) : QWidget(parent), m_socket(new IPCSocket(this))
{
    initResources();
    setObjectName(QStringLiteral("ipcSocket"));
    // Hidden explicitly, so that showing the form does not show it.
    setVisible(false);

    QObject::connect(m_socket, &IPCSocket::connected, this, &IPCSocketWidget::connected);
    QObject::connect(m_socket, &IPCSocket::dataAvailable, this, &IPCSocketWidget::dataAvailable);
    QObject::connect(m_socket, &IPCSocket::error, this, &IPCSocketWidget::error);
    QObject::connect(m_socket, &IPCSocket::pathChanged, this, &IPCSocketWidget::pathChanged);
    QObject::connect(m_socket, &IPCSocket::accessModeChanged, this,
                     &IPCSocketWidget::accessModeChanged);
    QObject::connect(m_socket, &IPCSocket::connectTimeoutChanged, this,
                     &IPCSocketWidget::connectTimeoutChanged);
}

IPCSocketWidget::~IPCSocketWidget() = default;

IPCSocket *IPCSocketWidget::socket() const
{
    return m_socket;
}

QString IPCSocketWidget::path() const
{
    return m_socket->path();
}

void IPCSocketWidget::setPath(const QString &path)
{
    m_socket->setPath(path);
}

IPCSocket::AccessMode IPCSocketWidget::accessMode() const
{
    return m_socket->accessMode();
}

void IPCSocketWidget::setAccessMode(IPCSocket::AccessMode mode)
{
    m_socket->setAccessMode(mode);
}

int IPCSocketWidget::connectTimeout() const
{
    return m_socket->connectTimeout();
}

void IPCSocketWidget::setConnectTimeout(int milliseconds)
{
    m_socket->setConnectTimeout(milliseconds);
}

bool IPCSocketWidget::isDesignMode() const
{
    return m_designMode;
}

void IPCSocketWidget::setDesignMode(bool designMode)
{
    m_designMode = designMode;
    setVisible(designMode);
    updateGeometry();
}

QSize IPCSocketWidget::sizeHint() const
{
    return {32, 32};
}

bool IPCSocketWidget::listen()
{
    return m_socket->listen();
}

bool IPCSocketWidget::connect()
{
    return m_socket->connect();
}

void IPCSocketWidget::close()
{
    m_socket->close();
}

bool IPCSocketWidget::flush()
{
    return m_socket->flush();
}

void IPCSocketWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPixmap icon(QStringLiteral(":/ipcsocket/ipcsocket-64.png"));
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const int side = qMin(width(), height());
    painter.drawPixmap(QRect((width() - side) / 2, (height() - side) / 2, side, side), icon);
}
