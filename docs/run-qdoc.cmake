# SPDX-License-Identifier: BSD-3-Clause
# cmake -P script behind the docs target: QDoc, then qhelpgenerator. Fails
# on an undocumented public member and on any QDoc warning (a broken link, a
# command QDoc does not know, an undocumented parameter or enum value), so
# that the reference stays complete.
cmake_minimum_required(VERSION 3.22)

file(STRINGS "${INCLUDES}" include_dirs)
set(include_options "")
foreach(dir IN LISTS include_dirs)
    list(APPEND include_options "-I${dir}")
endforeach()

# Qt's shared configuration (macros.qdocconf) reads Qt's version from these.
string(REGEX MATCH "^[0-9]+\\.[0-9]+" qt_ver "${QT_VERSION}")
string(REPLACE "." "" qt_version_tag "${QT_VERSION}")

function(run_qdoc output_dir)
    file(REMOVE_RECURSE "${output_dir}")
    execute_process(
        COMMAND ${CMAKE_COMMAND} -E env "QT_INSTALL_DOCS=${QT_INSTALL_DOCS}"
            "QT_VER=${qt_ver}" "QT_VERSION=${QT_VERSION}" "QT_VERSION_TAG=${qt_version_tag}"
            "${QDOC}" "${CONFIG}" --outputdir "${output_dir}" ${include_options} ${ARGN}
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    string(REGEX MATCHALL "[^\n]*warning:[^\n]*" warnings "${output}")
    list(LENGTH warnings count)
    if(NOT result EQUAL 0 OR count GREATER 0)
        message(FATAL_ERROR "qdoc gave ${count} warnings (exit ${result}):\n${output}")
    endif()
endfunction()

# QDoc itself leaves undocumented members out without a word; with
# --showinternal its index keeps them, for check_documented.py to name.
run_qdoc("${CHECK_DIR}" --prepare --showinternal)
file(GLOB index "${CHECK_DIR}/*.index")
execute_process(COMMAND "${PYTHON}" "${CHECK_SCRIPT}" ${index} ${HEADERS}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "The API reference is incomplete:\n${output}")
endif()

run_qdoc("${OUTPUT_DIR}")

file(GLOB qhp "${OUTPUT_DIR}/*.qhp")
if(NOT qhp)
    message(FATAL_ERROR "qdoc wrote no .qhp file into ${OUTPUT_DIR}")
endif()
execute_process(COMMAND "${QHELPGENERATOR}" ${qhp} -o "${QCH}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0 OR NOT EXISTS "${QCH}")
    message(FATAL_ERROR "qhelpgenerator ${qhp} failed (${result}):\n${output}")
endif()
message(STATUS "API reference: ${OUTPUT_DIR}/index.html, ${QCH}")
