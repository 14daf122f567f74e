# SPDX-License-Identifier: BSD-3-Clause
# Debian packages: `cpack -G DEB` in a build tree configured with
# -DCMAKE_INSTALL_PREFIX=/usr gives one .deb per install component, named
# as Debian names such packages, their dependencies on the Qt 6 runtime
# computed by dpkg-shlibdeps and their versions the project's.
set(CPACK_PACKAGE_NAME ipcsocket)
set(CPACK_PACKAGE_VENDOR "the IPCSocket authors")
set(CPACK_PACKAGE_CONTACT "the IPCSocket authors")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_INSTALL_DIRECTORY ipcsocket)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps runs in each component's staging folder; the project's own
# libraries are found in the runtime component's (the component Depends
# name libipcsocket1 instead).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "../runtime${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
# DEBIAN/shlibs in libipcsocket1, for packages built against it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# A package's Depends names the project's packages it needs, at this version.
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

# Component: Debian package name, section, what it holds.
set(packages
    "runtime|libipcsocket1|libs|the shared libraries (libipcsocket, libipcsocketwidgets)"
    "dev|libipcsocket-dev|libdevel|headers, the CMake package and the pkg-config files"
    "designer|ipcsocket-designer-plugin|devel|the Qt Designer plugin: IPCSocketWidget in the widget box"
    "qml|qml6-module-ipcsocket|libs|the QML module: import IPCSocket"
    "chatdemo|ipcsocket-chatdemo|net|the two-window chat sample of the Xojo documentation"
    "doc|ipcsocket-doc|doc|the API reference, as HTML and as a Qt Help file for Qt Creator")
get_cmake_property(installed_components COMPONENTS)
set(CPACK_COMPONENTS_ALL "")
foreach(entry IN LISTS packages)
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 component)
    list(GET entry 1 name)
    list(GET entry 2 section)
    list(GET entry 3 what)
    if(NOT component IN_LIST installed_components)
        continue()
    endif()
    list(APPEND CPACK_COMPONENTS_ALL ${component})
    string(TOUPPER "${component}" upper)
    set(CPACK_DEBIAN_${upper}_PACKAGE_NAME "${name}")
    set(CPACK_DEBIAN_${upper}_PACKAGE_SECTION "${section}")
    # First line: the synopsis; then the extended description.
    set(CPACK_DEBIAN_${upper}_DESCRIPTION
        "IPCSocket for Qt 6: ${what}\nXojo's IPCSocket as a Qt 6 component: two applications on one computer talk through a socket file.")
    if(NOT component STREQUAL "runtime" AND NOT component STREQUAL "doc")
        set(CPACK_COMPONENT_${upper}_DEPENDS runtime)
    endif()
endforeach()
# What building against the headers needs besides this project's files.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "qt6-base-dev (>= 6.4)")
set(CPACK_DEBIAN_QML_PACKAGE_DEPENDS "qml6-module-qtqml")

include(CPack)
