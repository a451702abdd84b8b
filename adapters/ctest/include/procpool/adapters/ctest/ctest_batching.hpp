// Which CTest tests are GoogleTest cases a batch may run (`procpool ctest --batch`).
#pragma once

#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/adapters/ctest/resource_groups.hpp"
#include "procpool/adapters/gtest/gtest_executor.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::ctest {

// Marks a test that runs one GoogleTest case (as gtest_discover_tests and gtest_add_tests register
// them: a single `--gtest_filter=Suite.Name`) and whose verdict CTest decides by exit code alone
// (or gtest's skip line) as batchable: tests with the same program, other arguments,
// environment, directory and timeout may share a process under --batch. Tests with their own
// pass/fail patterns, WILL_FAIL, SKIP_RETURN_CODE, RUN_SERIAL or resource locks stay alone.
void mark_batchable_gtest(CtestTest& test);

// The executor of `procpool ctest --batch`: the tests marked batchable share processes through
// the gtest executor (`gtest` says where its files and stream go); every test alone, batchable
// or not, runs by CTest's rules (CtestExecutor over `processes`). A verdict of a test alone is
// CTest's: what a batch does not vouch for runs again alone, never judged by the batch.
std::unique_ptr<schedule::Executor> batching_executor(boost::asio::io_context& io,
                                                      schedule::Executor& processes,
                                                      std::map<std::string, CtestRules> rules,
                                                      const ResourceAllocator* resources,
                                                      gtest::GtestExecutorOptions gtest);

}  // namespace procpool::ctest
