// SPDX-License-Identifier: BSD-3-Clause
#include "chatwindow.h"
#include "standardinputlines.h"
#include "ui_chatwindow.h"

#include <ipcsocket.h>
#include <ipcsocketwidget.h>

#include <QtGui/qevent.h>

#include <cstdio>

namespace {

// Longer rows are shown cut short (the whole text stays in the item's
// data and on standard output): laying out a megabyte of wrapped text
// would freeze the window.
constexpr qsizetype MaximumShownCharacters = 4000;

} // namespace

ChatWindow::ChatWindow(const QString &path, QWidget *parent)
    : QWidget(parent), m_ui(std::make_unique<Ui::ChatWindow>())
{
    m_ui->setupUi(this);
    setWindowTitle(tr("IPCSocket Chat — %1").arg(path));
    setWindowIcon(QIcon(QStringLiteral(":/ipcsocket/ipcsocket-128.png")));

    IPCSocketWidget *socketWidget = m_ui->ipcSocket1;
    socketWidget->setPath(path);
    IPCSocket *socket = socketWidget->socket();

    // The sample's three events.
    QObject::connect(socketWidget, &IPCSocketWidget::connected, this, [this] {
        // A message cut short by the end of the last connection is not
        // the start of this one's first.
        m_reader = {};
        addRow(QStringLiteral("Connected"));
    });
    QObject::connect(socketWidget, &IPCSocketWidget::dataAvailable, this, &ChatWindow::receive);
    QObject::connect(socketWidget, &IPCSocketWidget::error, this,
                     [this](int errorNumber, const QString &message) {
                         addRow(QStringLiteral("Error: %1 %2").arg(errorNumber).arg(message));
                     });

    // Listen and Connect are pressed in the form (Designer's connections);
    // what they may do next follows from the socket's state.
    QObject::connect(socket, &IPCSocket::isListeningChanged, this, &ChatWindow::updateButtons);
    QObject::connect(socket, &IPCSocket::isConnectedChanged, this, &ChatWindow::updateButtons);
    QObject::connect(socket, &IPCSocket::isConnectingChanged, this, &ChatWindow::updateButtons);

    m_ui->textArea->installEventFilter(this);
    m_ui->textArea->setFocus();
    updateButtons();
}

ChatWindow::~ChatWindow() = default;

IPCSocketWidget *ChatWindow::socketWidget() const
{
    return m_ui->ipcSocket1;
}

void ChatWindow::sendMessage()
{
    // A refused write reports its error as a row; the text stays to retry.
    const QString text = m_ui->textArea->toPlainText();
    if (!text.isEmpty() && send(text))
        m_ui->textArea->clear();
}

bool ChatWindow::send(const QString &message)
{
    IPCSocket *socket = m_ui->ipcSocket1->socket();
    if (socket->write(ChatProtocol::encode(message)) < 0)
        return false;
    socket->flush();
    return true;
}

void ChatWindow::sendLinesFromStandardInput()
{
    auto *input = new StandardInputLines(this);
    QObject::connect(input, &StandardInputLines::lineRead, this,
                     [this](const QString &line) { send(line); });
}

bool ChatWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_ui->textArea && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool send = (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
                          && !(key->modifiers() & Qt::ShiftModifier);
        if (send) {
            sendMessage();
            return true;
        }
        // Shift+Return would insert a paragraph separator; a plain line
        // break is what the message carries.
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            m_ui->textArea->insertPlainText(QStringLiteral("\n"));
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ChatWindow::addRow(const QString &row)
{
    auto *item = new QListWidgetItem(row.size() > MaximumShownCharacters
                                             ? row.left(MaximumShownCharacters)
                                                       + tr("… (%1 characters)").arg(row.size())
                                             : row,
                                     m_ui->listBox);
    item->setData(Qt::UserRole, row);
    m_ui->listBox->scrollToBottom();
    const QByteArray line = row.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
    emit rowAdded(row);
}

void ChatWindow::receive()
{
    m_reader.append(m_ui->ipcSocket1->socket()->readAll());
    const QStringList messages = m_reader.takeMessages();
    for (const QString &message : messages)
        addRow(QStringLiteral("DataReceived: ") + message);
}

void ChatWindow::updateButtons()
{
    const IPCSocket *socket = m_ui->ipcSocket1->socket();
    // Connect pressed before the other window listens waits for it (the
    // form's connectTimeout): that is not idle either.
    const bool idle = !socket->isListening() && !socket->isConnected() && !socket->isConnecting();
    m_ui->listenButton->setEnabled(idle);
    m_ui->connectButton->setEnabled(idle);
}
