// Base for end-to-end tests of the CLI: every test runs as the subreaper of what it starts and
// fails if any process survives it.
#pragma once

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace procpool::testing {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { adopt_orphans(); }
  void TearDown() override {
    EXPECT_EQ(surviving_descendants(), std::vector<int>{}) << "processes outlived the test";
  }

  static std::string helper() { return helper_binary(); }

  // Every pid listed in a helper pidfile must be gone.
  static void expect_all_dead(const std::string& pidfile) {
    const std::string pids = read_file(pidfile);
    ASSERT_FALSE(pids.empty()) << "the helper wrote no pids";
    std::istringstream lines(pids);
    for (int pid; lines >> pid;) EXPECT_FALSE(process_alive(pid)) << "pid " << pid << " survived";
  }
};

}  // namespace procpool::testing
