# Loaded by CMake after its rules for Darwin (darwin.cmake): the link and
# archive rules only touch their output. Compiling is untouched.
set(nolink "\"${CMAKE_COMMAND}\" -E touch <TARGET>")
set(CMAKE_CXX_LINK_EXECUTABLE "${nolink}")
set(CMAKE_CXX_CREATE_SHARED_LIBRARY "${nolink}")
set(CMAKE_CXX_CREATE_SHARED_MODULE "${nolink}")
set(CMAKE_CXX_ARCHIVE_CREATE "${nolink}")
set(CMAKE_CXX_ARCHIVE_APPEND "${nolink}")
set(CMAKE_CXX_ARCHIVE_FINISH "")
unset(nolink)
