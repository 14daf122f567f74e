# A CMake toolchain for macOS as seen from Linux, for compiling only: the
# project's `if(APPLE)` branches are taken, every C++ file is compiled with
# Zig's clang against the macOS headers Zig ships, and nothing is linked.
# The compiler is a wrapper made by scripts/stages/macos.sh that names the
# target (x86_64-macos.11.0 or aarch64-macos.13.0).
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_VERSION 20.0)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_OSX_SYSROOT "" CACHE PATH "" FORCE)
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "" FORCE)
# Qt's Gui package wants the OpenGL framework, which is not on this
# machine: nothing here is linked, so its path stands for it. Vulkan's
# headers found on this machine would put the host's /usr/include before
# macOS's own headers: they are not looked for.
set(OPENGL_opengl_LIBRARY "/System/Library/Frameworks/OpenGL.framework" CACHE FILEPATH "")
set(OPENGL_gl_LIBRARY "/System/Library/Frameworks/OpenGL.framework" CACHE FILEPATH "")
set(OPENGL_INCLUDE_DIR "/System/Library/Frameworks/OpenGL.framework/Headers" CACHE PATH "")
set(WrapOpenGL_AGL "/System/Library/Frameworks/AGL.framework" CACHE FILEPATH "")
set(CMAKE_DISABLE_FIND_PACKAGE_WrapVulkanHeaders ON)
set(CMAKE_DISABLE_FIND_PACKAGE_XKB ON)
# Nothing is linked (there is no Qt for macOS here to link with): what
# would link or archive only touches its output, so that every object file
# can be built with the rules CMake wrote for it.
set(CMAKE_USER_MAKE_RULES_OVERRIDE_CXX "${CMAKE_CURRENT_LIST_DIR}/darwin-nolink.cmake")
