# Linux 32-bit ARM, hard-float (ARMv7), Debian's armhf architecture.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(IPCSOCKET_ARM_TRIPLET arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/linux-toolchain.cmake)
