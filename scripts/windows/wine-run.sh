#!/usr/bin/env bash
# ctest's CMAKE_CROSSCOMPILING_EMULATOR for the Windows tree: runs one
# Windows program under Wine, in the prefix that scripts/windows/setup.sh
# made (its variables are in the environment).
#
# Qt on Windows sends QtTest's report and qDebug()/qWarning() to the
# debugger (OutputDebugString) unless told otherwise; told, they go to
# stdout and stderr, where ctest shows them.
set -u
export QT_FORCE_STDERR_LOGGING=1
exec wine "$@"
