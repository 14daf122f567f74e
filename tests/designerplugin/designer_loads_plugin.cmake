# cmake -P script: Qt Designer itself, started offscreen with the build
# tree's plugin folder, loads the plugin. Designer has no way to list its
# widget box from the command line, so Qt's plugin log is what tells.
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env
        "QT_PLUGIN_PATH=${PLUGIN_DIR}" QT_QPA_PLATFORM=offscreen QT_DEBUG_PLUGINS=1
        "${DESIGNER}"
    TIMEOUT 15
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
if(NOT output MATCHES "libipcsocketdesignerplugin\\.so\" loaded library")
    message(FATAL_ERROR "Designer did not load the plugin:\n${output}")
endif()
if(output MATCHES "libipcsocketdesignerplugin[^\n]*(cannot|failed|Failed)")
    message(FATAL_ERROR "Designer could not use the plugin:\n${output}")
endif()
message(STATUS "Designer loaded libipcsocketdesignerplugin.so")
