# SPDX-License-Identifier: BSD-3-Clause
# cmake -P script behind the docs test.
cmake_minimum_required(VERSION 3.22)
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BUILD_DIR}" --target docs
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --build ${BUILD_DIR} --target docs failed (${result})")
endif()

# A page for every class, the overviews, and the Qt Help file that holds
# them all.
foreach(page index ipcsocket ipcsocketwidget ipcsocket-errors ipcsocket-xojo ipcsocket-qml
             ipcsocket-examples ipcsocket-examples-poll-example ipcsocket-chatdemo-example
             ipcsocket-qml-chat ipcserversocket ipcmessagechannel ipcsocket-message-format
             ipcsocket-examples-echoserver-example ipcsocket-examples-messagechannel-example)
    if(NOT EXISTS "${DOCS_DIR}/html/${page}.html")
        message(FATAL_ERROR "the docs have no ${DOCS_DIR}/html/${page}.html")
    endif()
    file(STRINGS "${DOCS_DIR}/html/ipcsocket.qhp" listed REGEX "\"${page}\\.html\"")
    if(NOT listed)
        message(FATAL_ERROR "${DOCS_DIR}/html/ipcsocket.qhp does not list ${page}.html")
    endif()
endforeach()
file(SIZE "${DOCS_DIR}/ipcsocket.qch" size)
# A .qch is an SQLite database: "SQLite format 3".
file(READ "${DOCS_DIR}/ipcsocket.qch" magic LIMIT 15 HEX)
if(NOT magic STREQUAL "53514c69746520666f726d61742033" OR size LESS 10000)
    message(FATAL_ERROR "${DOCS_DIR}/ipcsocket.qch is no Qt Help file (${size} bytes)")
endif()
message(STATUS "docs: ${DOCS_DIR}/html/index.html, ${DOCS_DIR}/ipcsocket.qch (${size} bytes)")
