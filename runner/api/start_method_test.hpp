// The fixture of the library's Pool tests: every test runs with both start methods (they must
// behave the same), adopts what it orphans, and checks that no process it started survives it.
#pragma once

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
};

}  // namespace procpool
