# SPDX-License-Identifier: BSD-3-Clause
# cmake -P script behind the qmake_pkgconfig test.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")

set(RUN_DIRECTORY "${build}")
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/run.cmake")

file(MAKE_DIRECTORY "${build}")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

# The files carry the prefix installed to, not the one configured.
set(pkgconfig "${prefix}/${LIBDIR}/pkgconfig")
foreach(name ipcsocket ipcsocket-widgets)
    if(NOT EXISTS "${pkgconfig}/${name}.pc")
        message(FATAL_ERROR "not installed: ${pkgconfig}/${name}.pc")
    endif()
    file(STRINGS "${pkgconfig}/${name}.pc" line REGEX "^prefix=")
    if(NOT line STREQUAL "prefix=${prefix}")
        message(FATAL_ERROR "${pkgconfig}/${name}.pc says '${line}', not prefix=${prefix}")
    endif()
endforeach()

set(ENV{PKG_CONFIG_PATH} "${pkgconfig}")
run("${QMAKE}" "${CONSUMER_SOURCE}/consumer.pro")
run("${MAKE}")
# The libraries are where a system-wide install would not put them.
set(ENV{LD_LIBRARY_PATH} "${prefix}/${LIBDIR}")
run("${build}/qmake-consumer")
