#include "procpool/runner/core/task.hpp"

#include <gtest/gtest.h>

#include "procpool/runner/core/atomic_file.hpp"
#include "test_support.hpp"

namespace procpool {
namespace {

TEST(ShellQuote, LeavesSafeWordsAloneAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("plain-word_1.txt"), "plain-word_1.txt");
  EXPECT_EQ(shell_quote("two words"), "'two words'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_join({"echo", "a b", "$HOME"}), "echo 'a b' '$HOME'");
}

TEST(AtomicFile, ReplacesTheTargetOnlyOnCommit) {
  testing::TempDir dir;
  const std::string path = dir.file("report");
  testing::write_file(path, "old");
  {
    AtomicFile file(path);
    file.write("new content");
    EXPECT_EQ(testing::read_file(path), "old");  // not yet committed
  }  // destroyed without commit: the old file stays, no temp file is left
  EXPECT_EQ(testing::read_file(path), "old");
  EXPECT_TRUE(write_file_atomically(path, "new"));
  EXPECT_EQ(testing::read_file(path), "new");
}

TEST(AtomicFile, NamesTheFileWhenItCannotWrite) {
  const auto written = write_file_atomically("/nonexistent-dir/report.json", "x");
  ASSERT_FALSE(written);
  const std::string error = written.error();
  EXPECT_NE(error.find("/nonexistent-dir/report.json"), std::string::npos) << error;
}

}  // namespace
}  // namespace procpool
