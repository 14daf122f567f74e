# cmake -P script behind the install_and_consume test.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

include("${CMAKE_CURRENT_LIST_DIR}/../cmake/run.cmake")

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(file include/IPCSocket/ipcsocket.h lib/cmake/IPCSocket/IPCSocketConfig.cmake
             lib/cmake/IPCSocket/IPCSocketConfigVersion.cmake)
    if(NOT EXISTS "${prefix}/${file}")
        file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
        message(FATAL_ERROR "not installed: ${file}; installed: ${installed}")
    endif()
endforeach()

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${WORK_DIR}/consumer" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DWITH_WIDGETS=${WITH_WIDGETS}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")

if(WITH_QML)
    # The installed QML module: the qml tool finds `import IPCSocket` there.
    file(GLOB_RECURSE qmldir "${prefix}/qmldir")
    list(FILTER qmldir INCLUDE REGEX "/IPCSocket/qmldir$")
    if(NOT qmldir)
        message(FATAL_ERROR "the QML module was not installed under ${prefix}")
    endif()
    list(GET qmldir 0 qmldir)
    get_filename_component(module_dir "${qmldir}" DIRECTORY)
    get_filename_component(import_dir "${module_dir}" DIRECTORY)
    find_program(QML_TOOL NAMES qml6 qml PATHS /usr/lib/qt6/bin REQUIRED)
    run(${CMAKE_COMMAND} -E env "QML_IMPORT_PATH=${import_dir}" QT_QPA_PLATFORM=offscreen
        "${QML_TOOL}" "${CONSUMER_SOURCE}/consumer.qml" -- "${WORK_DIR}/qml.sock")
endif()
