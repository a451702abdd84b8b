// The fixture of the library's Pool tests: every test runs with both start methods (they must
// behave the same), adopts what it orphans, and checks that no process it started survives it.
#pragma once

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "procpool/pool.hpp"
#include "test_support.hpp"

namespace procpool {

class StartMethodTest : public ::testing::TestWithParam<StartMethod> {
 protected:
  void SetUp() override {
    if (GetParam() == StartMethod::fork && *testing::fork_unsafe_in_this_build()) {
      GTEST_SKIP() << testing::fork_unsafe_in_this_build();
    }
    testing::adopt_orphans();
  }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
  // A pool of `processes` with the test's start method; a short grace keeps terminate() quick.
  PoolOptions options(unsigned processes) {
    return PoolOptions{.processes = processes,
                       .start_method = GetParam(),
                       .terminate_grace = std::chrono::milliseconds(300)};
  }
};

// Runs every test of `Suite` once per start method, named "fork" and "spawn".
#define INSTANTIATE_START_METHODS(Suite)                                             \
  INSTANTIATE_TEST_SUITE_P(                                                          \
      StartMethods, Suite, ::testing::Values(StartMethod::fork, StartMethod::spawn), \
      [](const auto& info) { return info.param == StartMethod::fork ? "fork" : "spawn"; })

}  // namespace procpool
