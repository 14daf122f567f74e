// SPDX-License-Identifier: BSD-3-Clause
#include "testprogram.h"

void startTestProgram(QProcess &process, const QString &program, const QStringList &arguments)
{
#ifdef IPCSOCKET_TEST_EMULATOR
    // CMake's emulator is a list: the program, then its own arguments.
    const char *const emulator[] = {IPCSOCKET_TEST_EMULATOR};
    QStringList command;
    for (const char *part : emulator)
        command.append(QString::fromLocal8Bit(part));
    const QString launcher = command.takeFirst();
    process.start(launcher, command + QStringList{program} + arguments);
#else
    process.start(program, arguments);
#endif
}
