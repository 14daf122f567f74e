// SPDX-License-Identifier: BSD-3-Clause
#ifndef CHATWINDOW_H
#define CHATWINDOW_H

#include "chatprotocol.h"

#include <QtWidgets/qwidget.h>

#include <memory>

namespace Ui {
class ChatWindow;
}
class IPCSocketWidget;

// Xojo's IPCSocket chat sample: a ListBox of what happened, a TextArea to
// type into, Listen / Connect / Close, and an IPCSocket on the form.
class ChatWindow : public QWidget
{
    Q_OBJECT
public:
    explicit ChatWindow(const QString &path, QWidget *parent = nullptr);
    ~ChatWindow() override;

    IPCSocketWidget *socketWidget() const;

    // Sends each line that arrives on standard input (for scripts) as a
    // message; the window stays at the end of the input.
    void sendLinesFromStandardInput();

public Q_SLOTS:
    void sendMessage();

Q_SIGNALS:
    // Every row added to the ListBox, as it is printed.
    void rowAdded(const QString &row);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Frames, writes and flushes one message; false if the socket refused it.
    bool send(const QString &message);
    void addRow(const QString &row);
    void receive();
    void updateButtons();

    std::unique_ptr<Ui::ChatWindow> m_ui;
    ChatProtocol::Reader m_reader;
};

#endif // CHATWINDOW_H
