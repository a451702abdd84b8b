#include "procpool/runner/core/task.hpp"

#include <unistd.h>

#include <filesystem>

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

// Both kinds: a cache skips only the flush to disk, never the temporary file and the rename.
TEST(AtomicFile, ReplacesTheTargetOnlyOnCommit) {
  for (const auto durability : {Durability::flushed, Durability::cache}) {
    SCOPED_TRACE(durability == Durability::cache ? "cache" : "flushed");
    testing::TempDir dir;
    const std::string path = dir.file("report");
    testing::write_file(path, "old");
    {
      AtomicFile file(path, durability);
      file.write("new content");
      EXPECT_EQ(testing::read_file(path), "old");  // not yet committed
    }  // destroyed without commit: the old file stays, no temp file is left
    EXPECT_EQ(testing::read_file(path), "old");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
    EXPECT_TRUE(write_file_atomically(path, "new", durability));
    EXPECT_EQ(testing::read_file(path), "new");
  }
}

TEST(AtomicFile, APlantedSymlinkWherePredictableTempNamesWereNeverRedirectsTheWrite) {
  testing::TempDir dir;
  const std::string victim = dir.file("root-only");
  testing::write_file(victim, "precious");
  const std::string path = dir.file("report.json");
  // What an attacker could plant: the temporary names procpool used to write through.
  for (const std::string& planted : {path + ".tmp." + std::to_string(::getpid()), path + ".tmp",
                                     "." + std::string("report.json.tmp")}) {
    ::symlink(victim.c_str(), planted.c_str());
  }
  ASSERT_TRUE(write_file_atomically(path, "report"));
  EXPECT_EQ(testing::read_file(victim), "precious");
  EXPECT_EQ(testing::read_file(path), "report");
}

TEST(Directory, RefusesToWriteThroughASymlinkedSubdirectory) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("root/real"));
  std::filesystem::create_directories(dir.file("victim"));
  std::filesystem::create_directory_symlink(dir.file("victim"), dir.file("root/1"));
  auto root = Directory::open(dir.file("root"));
  ASSERT_TRUE(root) << root.error();
  const auto linked = root->subdirectory("1");
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.error().find(dir.file("root/1")), std::string::npos) << linked.error();
  auto made = root->subdirectory("2");
  ASSERT_TRUE(made) << made.error();
  EXPECT_TRUE(made->write_file("stdout", "out"));
  EXPECT_EQ(testing::read_file(dir.file("root/2/stdout")), "out");
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("victim")));
}

TEST(AtomicFile, NamesTheFileWhenItCannotWrite) {
  const auto written = write_file_atomically("/nonexistent-dir/report.json", "x");
  ASSERT_FALSE(written);
  const std::string error = written.error();
  EXPECT_NE(error.find("/nonexistent-dir/report.json"), std::string::npos) << error;
}

}  // namespace
}  // namespace procpool
