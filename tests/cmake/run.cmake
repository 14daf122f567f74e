# SPDX-License-Identifier: BSD-3-Clause
# For the cmake -P scripts behind the package tests: run(COMMAND...) runs a
# command (in RUN_DIRECTORY, if the script sets it) and fails the test,
# naming the command, when it fails.
function(run)
    set(where "")
    if(RUN_DIRECTORY)
        set(where WORKING_DIRECTORY "${RUN_DIRECTORY}")
    endif()
    execute_process(COMMAND ${ARGN} ${where} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        list(JOIN ARGN " " command)
        message(FATAL_ERROR "failed (${result}): ${command}")
    endif()
endfunction()
