#include "procpool/adapters/command/command_source.hpp"

#include <gtest/gtest.h>

namespace procpool::command {
namespace {

TEST(TasksFromInputs, SubstitutesEveryReplacementString) {
  auto tasks = tasks_from_inputs({"conv", "{}", "{.}.png", "{/}", "{//}", "{/.}", "#{#}"},
                                 {"a/b/pic.jpg"}, false);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].command.argv, (std::vector<std::string>{"conv", "a/b/pic.jpg", "a/b/pic.png",
                                                             "pic.jpg", "a/b", "pic", "#1"}));
  EXPECT_EQ(tasks[0].input, "a/b/pic.jpg");
}

TEST(TasksFromInputs, AppendsTheInputWhenNoReplacementStringIsUsed) {
  auto tasks = tasks_from_inputs({"gzip", "-9"}, {"x y", "z"}, false);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].command.argv, (std::vector<std::string>{"gzip", "-9", "x y"}));
  EXPECT_EQ(tasks[0].name, "gzip -9 'x y'");
  // Any replacement string, {#} too, means nothing is appended (GNU parallel: `parallel echo {#}
  // ::: in` prints 1; compared in RunParallelInputs).
  auto numbered = tasks_from_inputs({"echo", "{#}"}, {"in"}, false);
  EXPECT_EQ(numbered[0].command.argv, (std::vector<std::string>{"echo", "1"}));
}

TEST(TasksFromInputs, ShellModeQuotesInputs) {
  auto tasks = tasks_from_inputs({"echo {} >", "out"}, {"a b; rm -rf /"}, true);
  EXPECT_EQ(tasks[0].command.argv,
            (std::vector<std::string>{"/bin/sh", "-c", "echo 'a b; rm -rf /' > out"}));
  auto appended = tasks_from_inputs({"echo"}, {"it's"}, true);
  EXPECT_EQ(appended[0].command.argv[2], "echo 'it'\\''s'");
}

TEST(TasksFromInputs, ExtensionRulesOnlyTouchTheLastComponent) {
  auto one = [](const char* word, const char* input) {
    return render_word(word, {input}, 1, false).words;
  };
  EXPECT_EQ(one("{.}", "dir.d/file"), std::vector<std::string>{"dir.d/file"});
  // GNU parallel 20221122's answer (its `s:\.[^/.]*$::`), not basename(1)'s: see
  // RunParallelInputs.PathReplacementStringsCutEdgeCasesAsGnuParallelDoes, which asks it.
  EXPECT_EQ(one("{.}", ".hidden"), std::vector<std::string>{""});
  EXPECT_EQ(one("{//}", "dir/"), std::vector<std::string>{"."});
  EXPECT_EQ(one("{//}", "file"), std::vector<std::string>{"."});
}

TEST(TasksFromArguments, SeveralArgumentsFollowGnuParallelsWordRules) {
  // Expected values: GNU parallel 20221122 on the same templates (printf '<%s>').
  EXPECT_EQ(render_word("x{}y", {"a", "1"}, 1, false).words,
            (std::vector<std::string>{"xa", "1y"}));
  EXPECT_EQ(render_word("{2}-{1}", {"a", "1"}, 1, false).words, std::vector<std::string>{"1-a"});
  EXPECT_EQ(render_word("[{3}]", {"a", "b"}, 1, false).words, std::vector<std::string>{"[]"});
  EXPECT_EQ(render_word("{-1}", {"a", "b"}, 1, false).words, std::vector<std::string>{"b"});
  EXPECT_EQ(render_word("{1.} {2/} {2//} {1/.}", {"d/x.tar.gz", "/u/v/w.c"}, 1, false).words,
            std::vector<std::string>{"d/x.tar w.c /u/v x.tar"});
  EXPECT_EQ(render_word("{.}", {"a.x", "b.y"}, 1, false).words,
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(render_word("{0}{x}{", {"a"}, 1, false).words, std::vector<std::string>{"{0}{x}{"})
      << "not replacement strings: kept as they are";
  auto appended = task_for_arguments({"echo"}, {"a b", "1"}, 0, false);
  EXPECT_EQ(appended.command.argv, (std::vector<std::string>{"echo", "a b", "1"}));
  EXPECT_EQ(appended.input, "a b 1");
}

TEST(TasksFromArguments, TheSlotGoesWhereTheCommandHadIt) {
  auto task = task_for_arguments({"run", "--slot={%}", "{}"}, {"in{%}put"}, 0, false);
  EXPECT_EQ(argv_for_slot(task.command, 3),
            (std::vector<std::string>{"run", "--slot=3", "in{%}put"}))
      << "an input's own {%} is no replacement string";
  auto shell = task_for_arguments({"echo {%} {}"}, {"x"}, 0, true);
  EXPECT_EQ(argv_for_slot(shell.command, 2)[2], "echo 2 x");
}

TEST(TasksFromArguments, WithoutACommandEachInputIsACommandLine) {
  auto task = task_for_arguments({}, {"echo a | wc -c"}, 0, false);
  EXPECT_EQ(task.command.argv, (std::vector<std::string>{"/bin/sh", "-c", "echo a | wc -c"}));
}

TEST(TasksFromLines, SkipsBlanksAndCommentsAndReportsBadLines) {
  auto tasks = tasks_from_lines("# header\n\n  echo 'a b'\r\nls -l # trailing\n", false);
  ASSERT_TRUE(tasks) << tasks.error();
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].command.argv, (std::vector<std::string>{"echo", "a b"}));
  EXPECT_EQ((*tasks)[1].command.argv, (std::vector<std::string>{"ls", "-l"}));
  const auto bad = tasks_from_lines("ok\n\"bad\n", false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "line 2: unterminated double quote");
  const auto nul = tasks_from_lines(std::string_view("ok\necho a\0b\n", 12), false);
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error(), "line 2: a NUL byte, which no command line can hold");
}

TEST(TasksFromLines, ShellModePassesLinesToSh) {
  auto tasks = tasks_from_lines("echo $HOME | wc -c\n", true);
  ASSERT_TRUE(tasks);
  EXPECT_EQ((*tasks)[0].command.argv,
            (std::vector<std::string>{"/bin/sh", "-c", "echo $HOME | wc -c"}));
}

}  // namespace
}  // namespace procpool::command
