#include "procpool/runner/core/result.hpp"

#include <memory>
#include <vector>

#include <gtest/gtest.h>

namespace procpool {
namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return fail(std::to_string(n) + " is odd", "give an even number");
  return n / 2;
}

TEST(Result, CarriesTheValueOrTheFailure) {
  const auto good = half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  const auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.failure().message, "3 is odd");
  EXPECT_EQ(bad.error(), "3 is odd (give an even number)") << "what a person sees keeps the hint";
  EXPECT_EQ(bad.failure().hint, "give an even number");
  EXPECT_EQ(bad.failure().text(), "3 is odd (give an even number)");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, MovesMoveOnlyValuesOut) {
  Result<std::unique_ptr<int>> made = std::make_unique<int>(7);
  std::unique_ptr<int> taken = std::move(made).value();
  EXPECT_EQ(*taken, 7);
}

TEST(Result, VoidResultsSayOnlyWhetherAndWhy) {
  Result<void> fine = ok();
  EXPECT_TRUE(fine);
  Result<void> broken = fail("cannot write x: No space left on device");
  EXPECT_FALSE(broken);
  EXPECT_EQ(broken.failure().text(), "cannot write x: No space left on device");
}

}  // namespace
}  // namespace procpool
