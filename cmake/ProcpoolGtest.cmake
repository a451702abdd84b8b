# procpool_add_gtest(TARGET [JOBS N] [TIMEOUT S] [SHARDS N] [RETRIES N] [FILTER PATTERN]
#                    [BATCH SIZE|auto] [EXTRA_ARGS ...] [LABELS ...])
#
# Registers CTest tests that run the GoogleTest executable TARGET through `procpool gtest`, one
# isolated process per test case: one CTest test per shard (default 1), named TARGET or
# TARGET_shard_K_of_N, each writing JUnit to <build dir>/procpool/<name>.xml. A failing gtest
# case fails its CTest test, and its output shows under `ctest --output-on-failure`.
# Shards use --shard-by hash (each keeps its own duration history for ordering), so shards that
# CTest runs at the same time always agree on which tests are theirs. BATCH passes --batch: up to
# SIZE test cases per process (or auto), each still with its own verdict.
function(procpool_add_gtest target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "JOBS;TIMEOUT;SHARDS;RETRIES;FILTER;BATCH" "EXTRA_ARGS;LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "procpool_add_gtest(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "procpool_add_gtest: there is no target named '${target}'")
  endif()
  if(NOT TARGET procpool::cli)
    message(FATAL_ERROR "procpool_add_gtest: procpool::cli is missing (find_package(procpool))")
  endif()
  if(NOT DEFINED arg_SHARDS)
    set(arg_SHARDS 1)
  endif()
  if(NOT arg_SHARDS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "procpool_add_gtest(${target}): SHARDS must be a positive number, got '${arg_SHARDS}'")
  endif()
  if(DEFINED arg_BATCH AND NOT arg_BATCH MATCHES "^([1-9][0-9]*|auto)$")
    message(FATAL_ERROR "procpool_add_gtest(${target}): BATCH must be a positive number or auto, got '${arg_BATCH}'")
  endif()
  # One place for every report, wherever the call is: ${CMAKE_BINARY_DIR}/procpool/<name>.xml.
  set(out_dir ${CMAKE_BINARY_DIR}/procpool)
  file(MAKE_DIRECTORY ${out_dir})

  foreach(k RANGE 1 ${arg_SHARDS})
    set(name ${target})
    if(arg_SHARDS GREATER 1)
      set(name ${target}_shard_${k}_of_${arg_SHARDS})
    endif()
    set(command $<TARGET_FILE:procpool::cli> gtest --no-progress
      --history ${out_dir}/${name}.history.json --junit ${out_dir}/${name}.xml)
    if(arg_SHARDS GREATER 1)
      list(APPEND command --shard ${k}/${arg_SHARDS} --shard-by hash)
    endif()
    # Each keyword given passes its value with procpool's flag of the same meaning.
    foreach(keyword_flag JOBS:-j TIMEOUT:--timeout RETRIES:--retries BATCH:--batch FILTER:--filter)
      string(REPLACE ":" ";" keyword_flag ${keyword_flag})
      list(GET keyword_flag 0 keyword)
      list(GET keyword_flag 1 flag)
      if(DEFINED arg_${keyword})
        list(APPEND command ${flag} ${arg_${keyword}})
      endif()
    endforeach()
    list(APPEND command $<TARGET_FILE:${target}>)
    if(arg_EXTRA_ARGS)
      list(APPEND command -- ${arg_EXTRA_ARGS})
    endif()
    add_test(NAME ${name} COMMAND ${command})
    if(arg_LABELS)
      set_tests_properties(${name} PROPERTIES LABELS "${arg_LABELS}")
    endif()
    if(DEFINED arg_JOBS)
      # So `ctest -j` counts the cores this test keeps busy.
      set_tests_properties(${name} PROPERTIES PROCESSORS ${arg_JOBS})
    endif()
  endforeach()
endfunction()
