#include <gtest/gtest.h>

TEST(Arithmetic, Adds) { EXPECT_EQ(2 + 2, 4); }
TEST(Arithmetic, Multiplies) { EXPECT_EQ(3 * 3, 9); }
TEST(Strings, Concatenate) { EXPECT_EQ(std::string("a") + "b", "ab"); }
TEST(Strings, Compare) { EXPECT_LT(std::string("a"), std::string("b")); }

#ifdef CONSUMER_FAILING_TEST
TEST(Broken, Fails) { EXPECT_EQ(1, 2) << "consumer-failure-marker"; }
#endif
