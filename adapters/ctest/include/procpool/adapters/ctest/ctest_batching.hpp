// Which CTest tests are GoogleTest cases a batch may run (`procpool ctest --batch`).
#pragma once

#include "procpool/adapters/ctest/ctest_source.hpp"

namespace procpool::ctest {

// Marks a test that runs one GoogleTest case (as gtest_discover_tests and gtest_add_tests register
// them: a single `--gtest_filter=Suite.Name`) and whose verdict CTest decides by exit code alone
// (or gtest's skip line) as batchable: tests with the same program, other arguments,
// environment, directory and timeout may share a process under --batch. Tests with their own
// pass/fail patterns, WILL_FAIL, SKIP_RETURN_CODE, RUN_SERIAL or resource locks stay alone.
void mark_batchable_gtest(CtestTest& test);

}  // namespace procpool::ctest
