#include "procpool/adapters/command/shell_words.hpp"

#include <gtest/gtest.h>

namespace procpool::command {
namespace {

std::vector<std::string> split(std::string_view line) {
  std::string error;
  auto words = split_shell_words(line, error);
  EXPECT_TRUE(words) << error;
  return words ? *words : std::vector<std::string>{};
}

TEST(SplitShellWords, SplitsOnBlanks) {
  EXPECT_EQ(split("  a  b\tc "), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SplitShellWords, HonoursQuotesAndEscapes) {
  EXPECT_EQ(split("echo 'a b' \"c \\\"d\\\" $x\" e\\ f ''"),
            (std::vector<std::string>{"echo", "a b", "c \"d\" $x", "e f", ""}));
  EXPECT_EQ(split("x'y'\"z\""), (std::vector<std::string>{"xyz"}));
}

TEST(SplitShellWords, HashStartsACommentOnlyAtAWordStart) {
  EXPECT_EQ(split("run a#b # rest is comment"), (std::vector<std::string>{"run", "a#b"}));
}

TEST(SplitShellWords, RejectsUnterminatedQuotes) {
  std::string error;
  EXPECT_FALSE(split_shell_words("echo 'oops", error));
  EXPECT_EQ(error, "unterminated single quote");
  EXPECT_FALSE(split_shell_words("echo \"oops", error));
  EXPECT_EQ(error, "unterminated double quote");
  EXPECT_FALSE(split_shell_words("echo oops\\", error));
  EXPECT_EQ(error, "trailing backslash");
}

}  // namespace
}  // namespace procpool::command
