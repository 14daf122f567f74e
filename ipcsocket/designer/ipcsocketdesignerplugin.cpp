// SPDX-License-Identifier: BSD-3-Clause
#include "ipcsocketdesignerplugin.h"

#include <ipcsocketwidget.h>

#include <QtGui/qicon.h>

IPCSocketDesignerPlugin::IPCSocketDesignerPlugin(QObject *parent) : QObject(parent) { }

QString IPCSocketDesignerPlugin::name() const
{
    return QStringLiteral("IPCSocketWidget");
}

QString IPCSocketDesignerPlugin::group() const
{
    return QStringLiteral("Input/Output");
}

QString IPCSocketDesignerPlugin::toolTip() const
{
    return QStringLiteral("IPCSocket: talk to another application through a socket file");
}

QString IPCSocketDesignerPlugin::whatsThis() const
{
    return QStringLiteral(
            "An IPCSocket on the form, invisible at run time. Set its path, then call listen() "
            "on one side and connect() on the other; connected(), dataAvailable() and "
            "error(int, QString) tell what happens. socket() gives the IPCSocket itself for "
            "reading and writing.");
}

QString IPCSocketDesignerPlugin::includeFile() const
{
    return QStringLiteral("ipcsocketwidget.h");
}

QIcon IPCSocketDesignerPlugin::icon() const
{
    return QIcon(QStringLiteral(":/ipcsocket/ipcsocket-64.png"));
}

bool IPCSocketDesignerPlugin::isContainer() const
{
    return false;
}

QWidget *IPCSocketDesignerPlugin::createWidget(QWidget *parent)
{
    auto *widget = new IPCSocketWidget(parent);
    widget->setDesignMode(m_core != nullptr);
    return widget;
}

bool IPCSocketDesignerPlugin::isInitialized() const
{
    return m_initialized;
}

void IPCSocketDesignerPlugin::initialize(QDesignerFormEditorInterface *core)
{
    if (m_initialized)
        return;
    m_core = core;
    m_initialized = true;
}

QString IPCSocketDesignerPlugin::domXml() const
{
    return QStringLiteral(R"(<ui language="c++">
  <widget class="IPCSocketWidget" name="ipcSocket1">
    <property name="geometry">
      <rect><x>0</x><y>0</y><width>32</width><height>32</height></rect>
    </property>
    <property name="toolTip">
      <string>IPCSocket</string>
    </property>
  </widget>
  <customwidgets>
    <customwidget>
      <class>IPCSocketWidget</class>
      <extends>QWidget</extends>
      <header>ipcsocketwidget.h</header>
    </customwidget>
  </customwidgets>
</ui>
)");
}
