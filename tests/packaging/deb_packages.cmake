# SPDX-License-Identifier: BSD-3-Clause
# cmake -P script behind the deb_packages test.
cmake_minimum_required(VERSION 3.22)
set(build "${WORK_DIR}/build")
set(packages "${WORK_DIR}/packages")
set(root "${WORK_DIR}/root")
# The package tree is kept between runs, so that a second run only builds
# what changed.
file(REMOVE_RECURSE "${packages}" "${root}" "${WORK_DIR}/consumer")

include("${CMAKE_CURRENT_LIST_DIR}/../cmake/run.cmake")

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
    -DIPCSOCKET_BUILD_TESTS=OFF -DIPCSOCKET_BUILD_BENCH=OFF -DIPCSOCKET_BUILD_EXAMPLES=OFF)
run(${CMAKE_COMMAND} --build "${build}" --target all docs)
get_filename_component(cmake_bin "${CMAKE_COMMAND}" DIRECTORY)
find_program(CPACK cpack HINTS "${cmake_bin}" REQUIRED)
run("${CPACK}" -G DEB --config "${build}/CPackConfig.cmake" -B "${packages}")

load_cache("${build}" READ_WITH_PREFIX cache_ CMAKE_INSTALL_LIBDIR)
set(libdir "usr/${cache_CMAKE_INSTALL_LIBDIR}")
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE arch
    OUTPUT_STRIP_TRAILING_WHITESPACE)
# The package that holds this system's Qt Core, as dpkg-shlibdeps names it:
# libqt6core6 on Debian 12, libqt6core6t64 on Debian 13 (the 64-bit time_t
# transition renamed it).
execute_process(COMMAND dpkg-query --search "/${libdir}/libQt6Core.so.6"
    OUTPUT_VARIABLE qtcore_owner RESULT_VARIABLE result)
if(NOT result EQUAL 0 OR NOT qtcore_owner MATCHES "^([^:,]+)[:,]")
    message(FATAL_ERROR "No package holds /${libdir}/libQt6Core.so.6 (dpkg-query --search):\n${qtcore_owner}")
endif()
set(qtcore_package "${CMAKE_MATCH_1}")

# Package|the files it must hold (at least), separated by commas.
set(expected
    "libipcsocket1|${libdir}/libipcsocket.so.${VERSION},${libdir}/libipcsocket.so.1,${libdir}/libipcsocketwidgets.so.${VERSION},${libdir}/libipcsocketwidgets.so.1"
    "libipcsocket-dev|usr/include/IPCSocket/ipcsocket.h,usr/include/IPCSocket/ipcsocket_export.h,usr/include/IPCSocket/ipcsocketwidget.h,${libdir}/libipcsocket.so,${libdir}/libipcsocketwidgets.so,${libdir}/cmake/IPCSocket/IPCSocketConfig.cmake,${libdir}/cmake/IPCSocket/IPCSocketTargets.cmake,${libdir}/pkgconfig/ipcsocket.pc,${libdir}/pkgconfig/ipcsocket-widgets.pc"
    "ipcsocket-designer-plugin|${libdir}/qt6/plugins/designer/libipcsocketdesignerplugin.so"
    "qml6-module-ipcsocket|${libdir}/qt6/qml/IPCSocket/qmldir,${libdir}/qt6/qml/IPCSocket/libIPCSocketQml.so"
    "ipcsocket-chatdemo|usr/bin/ipcsocket-chatdemo,usr/share/applications/org.ipcsocket.chatdemo.desktop,usr/share/icons/hicolor/128x128/apps/ipcsocket.png"
    "ipcsocket-doc|usr/share/doc/ipcsocket/ipcsocket.qch,usr/share/doc/ipcsocket/html/index.html,usr/share/doc/ipcsocket/html/ipcsocket.html")

set(all_files "")
foreach(entry IN LISTS expected)
    string(REGEX REPLACE "[|,]" ";" entry "${entry}")
    list(POP_FRONT entry name)
    set(deb "${packages}/${name}_${VERSION}_${arch}.deb")
    if(NOT EXISTS "${deb}")
        file(GLOB made RELATIVE "${packages}" "${packages}/*.deb")
        message(FATAL_ERROR "cpack made no ${deb}; it made: ${made}")
    endif()
    execute_process(COMMAND dpkg-deb --field "${deb}" Depends Version
        OUTPUT_VARIABLE fields RESULT_VARIABLE result)
    if(NOT result EQUAL 0 OR NOT fields MATCHES "Version: ${VERSION}\n")
        message(FATAL_ERROR "${deb}: not version ${VERSION}:\n${fields}")
    endif()
    # dpkg-shlibdeps computed the Qt runtime packages; the project's other
    # packages are named at this version.
    if(NOT name MATCHES "-(dev|doc)$" AND NOT fields MATCHES "[ ,]${qtcore_package} \\(>= 6")
        message(FATAL_ERROR "${deb}: no computed dependency on ${qtcore_package}:\n${fields}")
    endif()
    if(NOT name MATCHES "^(libipcsocket1|ipcsocket-doc)$"
       AND NOT fields MATCHES "libipcsocket1 \\(= ${VERSION}\\)")
        message(FATAL_ERROR "${deb}: does not depend on libipcsocket1 (= ${VERSION}):\n${fields}")
    endif()

    execute_process(COMMAND dpkg-deb --contents "${deb}" OUTPUT_VARIABLE listing)
    string(REGEX MATCHALL "\\./[^\n]*" files "${listing}")
    list(TRANSFORM files REPLACE "^\\./" "")
    list(TRANSFORM files REPLACE " -> .*$" "")
    list(FILTER files EXCLUDE REGEX "/$")
    foreach(file IN LISTS entry)
        if(NOT file IN_LIST files)
            list(JOIN files "\n  " listed)
            message(FATAL_ERROR "${name} lacks ${file}; it holds:\n  ${listed}")
        endif()
    endforeach()
    foreach(file IN LISTS files)
        if(file IN_LIST all_files)
            message(FATAL_ERROR "${file} is in ${name} and in another package")
        endif()
    endforeach()
    list(APPEND all_files ${files})
    run(dpkg-deb --extract "${deb}" "${root}")
endforeach()

# What `apt install ./*.deb` would do, simulated: every dependency resolves.
find_program(APT_GET apt-get)
if(APT_GET)
    file(GLOB debs "${packages}/*.deb")
    execute_process(COMMAND "${APT_GET}" install --simulate --quiet ${debs}
        OUTPUT_VARIABLE simulated ERROR_VARIABLE simulated RESULT_VARIABLE result)
    foreach(entry IN LISTS expected)
        string(REGEX REPLACE "[|].*" "" name "${entry}")
        if(NOT result EQUAL 0 OR NOT simulated MATCHES "\nInst ${name} ")
            message(FATAL_ERROR "apt-get install --simulate would not install ${name}:\n${simulated}")
        endif()
    endforeach()
endif()

# The CMake package of the unpacked tree, as the downstream project uses it.
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/consumer" -B "${WORK_DIR}/consumer"
    -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${root}/usr" -DWITH_WIDGETS=ON)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${root}/${libdir}" "${WORK_DIR}/consumer/consumer")

# pkg-config, relocated into the root as a cross build does it.
execute_process(COMMAND ${CMAKE_COMMAND} -E env "PKG_CONFIG_SYSROOT_DIR=${root}"
        "PKG_CONFIG_PATH=${root}/${libdir}/pkgconfig" pkg-config --cflags --libs ipcsocket-widgets
    OUTPUT_VARIABLE flags RESULT_VARIABLE result)
if(NOT result EQUAL 0 OR NOT flags MATCHES "-I${root}/usr/include/IPCSocket"
   OR NOT flags MATCHES "-L${root}/${libdir} -lipcsocketwidgets -lipcsocket")
    message(FATAL_ERROR "pkg-config --cflags --libs ipcsocket-widgets: ${flags}")
endif()

# The QML module from Qt's QML folder of the root, finding its library by
# its RPATH.
find_program(QML_TOOL NAMES qml6 qml PATHS /usr/lib/qt6/bin REQUIRED)
run(${CMAKE_COMMAND} -E env "QML_IMPORT_PATH=${root}/${libdir}/qt6/qml" QT_QPA_PLATFORM=offscreen
    "${QML_TOOL}" "${SOURCE_DIR}/tests/install/consumer/consumer.qml" -- "${WORK_DIR}/qml.sock")

# Qt Designer loads the plugin from Qt's plugin folder of the root.
if(DESIGNER)
    run(${CMAKE_COMMAND} -D "DESIGNER=${DESIGNER}" -D "PLUGIN_DIR=${root}/${libdir}/qt6/plugins"
        -P "${SOURCE_DIR}/tests/designerplugin/designer_loads_plugin.cmake")
endif()
message(STATUS "packages: ${packages}")
