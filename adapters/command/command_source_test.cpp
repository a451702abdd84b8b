#include "procpool/adapters/command/command_source.hpp"

#include <gtest/gtest.h>

namespace procpool::command {
namespace {

TEST(TasksFromInputs, SubstitutesEveryReplacementString) {
  auto tasks = tasks_from_inputs({"conv", "{}", "{.}.png", "{/}", "{//}", "{/.}", "#{#}"},
                                 {"a/b/pic.jpg"}, false);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].argv, (std::vector<std::string>{"conv", "a/b/pic.jpg", "a/b/pic.png",
                                                     "pic.jpg", "a/b", "pic", "#1"}));
  EXPECT_EQ(tasks[0].input, "a/b/pic.jpg");
}

TEST(TasksFromInputs, AppendsTheInputWhenNoReplacementStringIsUsed) {
  auto tasks = tasks_from_inputs({"gzip", "-9"}, {"x y", "z"}, false);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].argv, (std::vector<std::string>{"gzip", "-9", "x y"}));
  EXPECT_EQ(tasks[0].name, "gzip -9 'x y'");
  // {#} alone is not the input: the input is still appended.
  auto numbered = tasks_from_inputs({"echo", "{#}"}, {"in"}, false);
  EXPECT_EQ(numbered[0].argv, (std::vector<std::string>{"echo", "1", "in"}));
}

TEST(TasksFromInputs, ShellModeQuotesInputs) {
  auto tasks = tasks_from_inputs({"echo {} >", "out"}, {"a b; rm -rf /"}, true);
  EXPECT_EQ(tasks[0].argv,
            (std::vector<std::string>{"/bin/sh", "-c", "echo 'a b; rm -rf /' > out"}));
  auto appended = tasks_from_inputs({"echo"}, {"it's"}, true);
  EXPECT_EQ(appended[0].argv[2], "echo 'it'\\''s'");
}

TEST(TasksFromInputs, ExtensionRulesOnlyTouchTheLastComponent) {
  EXPECT_EQ(substitute("{.}", "dir.d/file", 1, false, nullptr), "dir.d/file");
  EXPECT_EQ(substitute("{.}", ".hidden", 1, false, nullptr), ".hidden");
  EXPECT_EQ(substitute("{//}", "file", 1, false, nullptr), ".");
}

TEST(TasksFromLines, SkipsBlanksAndCommentsAndReportsBadLines) {
  auto tasks = tasks_from_lines("# header\n\n  echo 'a b'\r\nls -l # trailing\n", false);
  ASSERT_TRUE(tasks) << tasks.error();
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].argv, (std::vector<std::string>{"echo", "a b"}));
  EXPECT_EQ((*tasks)[1].argv, (std::vector<std::string>{"ls", "-l"}));
  const auto bad = tasks_from_lines("ok\n\"bad\n", false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "line 2: unterminated double quote");
}

TEST(TasksFromLines, ShellModePassesLinesToSh) {
  auto tasks = tasks_from_lines("echo $HOME | wc -c\n", true);
  ASSERT_TRUE(tasks);
  EXPECT_EQ((*tasks)[0].argv, (std::vector<std::string>{"/bin/sh", "-c", "echo $HOME | wc -c"}));
}

}  // namespace
}  // namespace procpool::command
