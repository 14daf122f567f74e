# Cross-compiling for Linux on ARM with Debian's cross compilers against
# Debian's multiarch Qt (qt6-base-dev:ARCH): included by arm64.cmake and
# armhf.cmake, which name the GNU triplet and the processor. The Qt host
# tools (moc, rcc, uic) are the host's own Qt of the same version.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${IPCSOCKET_ARM_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${IPCSOCKET_ARM_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${IPCSOCKET_ARM_TRIPLET})
set(Qt6_DIR /usr/lib/${IPCSOCKET_ARM_TRIPLET}/cmake/Qt6 CACHE PATH "Qt 6 for the target")
set(QT_HOST_PATH /usr CACHE PATH "Qt 6 for the host, whose tools the build runs")
# The host's programs (moc and the rest come through QT_HOST_PATH), the
# target's libraries, headers and CMake packages: multiarch keeps both in /.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
