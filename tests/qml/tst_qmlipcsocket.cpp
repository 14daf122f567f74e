// SPDX-License-Identifier: BSD-3-Clause
#include <QtCore/qtemporarydir.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(IPCSOCKET_QML_IMPORT_DIR));
        // Socket files go into a fresh folder of their own.
        engine->rootContext()->setContextProperty(QStringLiteral("socketDir"), m_dir.path());
    }

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/qmlXXXXXX")};
};

QUICK_TEST_MAIN_WITH_SETUP(qmlipcsocket, Setup)
#include "tst_qmlipcsocket.moc"
