#include "procpool/adapters/command/shell_words.hpp"

#include <gtest/gtest.h>

namespace procpool::command {
namespace {

std::vector<std::string> split(std::string_view line) {
  auto words = split_shell_words(line);
  EXPECT_TRUE(words) << words.error();
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
  auto error_of = [](std::string_view line) {
    const auto words = split_shell_words(line);
    return words ? std::string("(no error)") : words.error();
  };
  EXPECT_EQ(error_of("echo 'oops"), "unterminated single quote");
  EXPECT_EQ(error_of("echo \"oops"), "unterminated double quote");
  EXPECT_EQ(error_of("echo oops\\"), "trailing backslash");
}

}  // namespace
}  // namespace procpool::command
