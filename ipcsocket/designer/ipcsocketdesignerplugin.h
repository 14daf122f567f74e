// SPDX-License-Identifier: BSD-3-Clause
#ifndef IPCSOCKETDESIGNERPLUGIN_H
#define IPCSOCKETDESIGNERPLUGIN_H

#include <QtUiPlugin/QDesignerCustomWidgetInterface>

// Puts IPCSocketWidget into Qt Designer's widget box.
class IPCSocketDesignerPlugin : public QObject, public QDesignerCustomWidgetInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.qt-project.Qt.QDesignerCustomWidgetInterface")
    Q_INTERFACES(QDesignerCustomWidgetInterface)

public:
    explicit IPCSocketDesignerPlugin(QObject *parent = nullptr);

    QString name() const override;
    QString group() const override;
    QString toolTip() const override;
    QString whatsThis() const override;
    QString includeFile() const override;
    QIcon icon() const override;
    bool isContainer() const override;
    QWidget *createWidget(QWidget *parent) override;
    bool isInitialized() const override;
    void initialize(QDesignerFormEditorInterface *core) override;
    QString domXml() const override;

private:
    bool m_initialized = false;
    // Set only inside Designer; QUiLoader at run time gives no core.
    QDesignerFormEditorInterface *m_core = nullptr;
};

#endif // IPCSOCKETDESIGNERPLUGIN_H
