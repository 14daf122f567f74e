# Linux arm64 (aarch64), Debian's arm64 architecture.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(IPCSOCKET_ARM_TRIPLET aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/linux-toolchain.cmake)
