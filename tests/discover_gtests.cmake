# Registers the GoogleTest cases of one test binary with ctest, at ctest time (included through
# TEST_INCLUDE_FILES from the file procpool_discover_tests() generates, which sets `binary`,
# `workdir`, `properties` and `emulator`: empty, or the command that runs a cross-built program).
#
# Why not gtest_discover_tests: it marks a test "skipped" whenever "[  SKIPPED ]" appears
# anywhere in its output, and ctest only ever adds to that pattern list (a later
# set_tests_properties appends, measured with ctest 3.25). A failing end-to-end test prints
# procpool's own console output, which can hold that text: failures were reported as skips.
# Here a test is skipped only when gtest's own summary, at the very end, says so.
if(NOT EXISTS "${binary}")
  message(FATAL_ERROR "test binary ${binary} is not built")
endif()
execute_process(COMMAND ${emulator} "${binary}" --gtest_list_tests
  WORKING_DIRECTORY "${workdir}" TIMEOUT 30
  OUTPUT_VARIABLE listing ERROR_VARIABLE listing_error RESULT_VARIABLE listed)
if(NOT listed EQUAL 0)
  message(FATAL_ERROR "${binary} --gtest_list_tests failed (${listed}): ${listing}${listing_error}")
endif()
# Windows programs end their lines with CR LF.
string(REPLACE "\r" "" listing "${listing}")
set(own_skip "\\[  SKIPPED \\] 1 test, listed below:\n\\[  SKIPPED \\] [^\n]*\n$")
string(REPLACE "\n" ";" lines "${listing}")
set(suite "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #][^ ]*\\.)( *#.*)?$")
    set(suite "${CMAKE_MATCH_1}")  # "Suite." (with its trailing dot)
  elseif(suite AND line MATCHES "^  ([^ #]+)")
    set(test "${suite}${CMAKE_MATCH_1}")
    add_test("${test}" ${emulator} "${binary}" "--gtest_filter=${test}" --gtest_also_run_disabled_tests)
    set_tests_properties("${test}" PROPERTIES WORKING_DIRECTORY "${workdir}"
      SKIP_REGULAR_EXPRESSION "${own_skip}" ${properties})
  endif()
endforeach()
