// SPDX-License-Identifier: BSD-3-Clause
#ifndef TESTPROGRAM_H
#define TESTPROGRAM_H

#include <QtCore/qprocess.h>
#include <QtCore/qstringlist.h>

// Starts one of this project's own programs (a peer, an example, the chat
// demo) for a test. In a cross build whose tests run under an emulator
// (CMAKE_CROSSCOMPILING_EMULATOR, qemu-user for ARM), the program runs
// under that same emulator, as ctest runs the test itself: started
// directly, the host could not run it (no binfmt_misc registration is
// assumed). Programs of the host (python3, socat) are started as usual.
void startTestProgram(QProcess &process, const QString &program, const QStringList &arguments);

#endif // TESTPROGRAM_H
