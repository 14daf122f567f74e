// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETWIDGET_H
#define IPCSOCKETWIDGET_H

#include <ipcsocket.h>
#include <ipcsocketwidgets_export.h>

#include <QtWidgets/qwidget.h>

// An IPCSocket to drop onto a Qt Designer form: invisible at run time, an
// icon at design time. Everything it does is its socket's.
class IPCSOCKETWIDGETS_EXPORT IPCSocketWidget : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(IPCSocket::AccessMode accessMode READ accessMode WRITE setAccessMode NOTIFY
                       accessModeChanged)
    Q_PROPERTY(int connectTimeout READ connectTimeout WRITE setConnectTimeout NOTIFY
                       connectTimeoutChanged)

public:
    explicit IPCSocketWidget(QWidget *parent = nullptr);
    ~IPCSocketWidget() override;

    IPCSocket *socket() const;

    QString path() const;
    void setPath(const QString &path);
    IPCSocket::AccessMode accessMode() const;
    void setAccessMode(IPCSocket::AccessMode mode);
    int connectTimeout() const;
    void setConnectTimeout(int milliseconds);

    // Designer shows the widget as its icon; at run time it stays hidden.
    bool isDesignMode() const;
    void setDesignMode(bool designMode);

    QSize sizeHint() const override;

public Q_SLOTS:
    bool listen();
    bool connect();
    void close();
    bool flush();

Q_SIGNALS:
    void connected();
    void dataAvailable();
    void error(int errorNumber, const QString &message);
    void pathChanged(const QString &path);
    void accessModeChanged(IPCSocket::AccessMode mode);
    void connectTimeoutChanged(int connectTimeout);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Q_DISABLE_COPY_MOVE(IPCSocketWidget)
    IPCSocket *const m_socket;
    bool m_designMode = false;
};

#endif // IPCSOCKETWIDGET_H
