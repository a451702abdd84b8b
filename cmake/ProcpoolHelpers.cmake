# procpool_module(NAME SOURCES... DEPENDS ...): one static library per folder of the pipeline,
# with its public headers in include/. Dependencies are PUBLIC only where a header needs them,
# so a module that includes a header of a module it does not list fails to build.
function(procpool_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} procpool_test_support GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30 PROPERTIES TIMEOUT 120)
endfunction()
