# procpool_discover_tests(target [PROPERTIES name value ...]), for the Linux tests and the
# Windows build's (where each command runs through CMAKE_CROSSCOMPILING_EMULATOR, i.e. Wine).
# Registers a test binary's GoogleTest cases with ctest at ctest time (tests/discover_gtests.cmake
# says why not gtest_discover_tests), each with PROPERTIES (name value ...).
function(procpool_discover_tests target)
  cmake_parse_arguments(ARG "" "" "PROPERTIES" ${ARGN})
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_discover.cmake)
  string(CONCAT content
    "set(binary [==[$<TARGET_FILE:${target}>]==])\n"
    "set(workdir [==[${CMAKE_CURRENT_BINARY_DIR}]==])\n"
    "set(properties [==[${ARG_PROPERTIES}]==])\n"
    "set(emulator [==[${CMAKE_CROSSCOMPILING_EMULATOR}]==])\n"
    "include([==[${PROJECT_SOURCE_DIR}/tests/discover_gtests.cmake]==])\n")
  file(GENERATE OUTPUT ${include_file} CONTENT "${content}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
