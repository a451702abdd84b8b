#include "procpool/adapters/gtest/console_reader.hpp"

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

using Kind = ProgramEvent::Kind;

std::vector<Kind> kinds(const std::vector<ProgramEvent>& events) {
  std::vector<Kind> v;
  for (const auto& e : events) v.push_back(e.kind);
  return v;
}

TEST(ConsoleReader, FollowsRunAndEndLinesAndSlicesEachTestsOutput) {
  ConsoleReader reader({"A.x", "A.y", "B.z"});
  auto events = reader.feed_stdout(
      "Running main()\n[==========] Running 3 tests from 2 test suites.\n"
      "[ RUN      ] A.x\nhello x\n[       OK ] A.x (0 ms)\n"
      "[ RUN      ] A.y\nfile.cc:3: Failure\n[  FAILED  ] A.y (1 ms)\n[ RUN      ] B.z\n");
  // An end is told once the next test starts (a later end line could still overrule it).
  EXPECT_EQ(kinds(events), (std::vector<Kind>{Kind::program_start, Kind::test_start, Kind::test_end,
                                              Kind::test_start, Kind::test_end, Kind::test_start}));
  EXPECT_TRUE(events[2].passed);
  EXPECT_FALSE(events[4].passed);
  EXPECT_EQ(events[4].skipped, std::optional<bool>(false));
  EXPECT_EQ(events[5].name, "B.z");
  EXPECT_EQ(reader.running(), std::optional<std::size_t>(2));
  EXPECT_EQ(reader.take_out(0)->str(), "[ RUN      ] A.x\nhello x\n[       OK ] A.x (0 ms)\n");
  EXPECT_EQ(reader.take_out(1)->str(),
            "[ RUN      ] A.y\nfile.cc:3: Failure\n[  FAILED  ] A.y (1 ms)\n");
}

TEST(ConsoleReader, NotesGtestsCountOfDisabledTestsAfterItsSummaryNotATestsOwnLine) {
  ConsoleReader printed({"A.x"});
  printed.feed_stdout(
      "[==========] Running 1 test from 1 test suite.\n[ RUN      ] A.x\n"
      "  YOU HAVE 2 DISABLED TESTS\n");  // printed by the test: its output
  EXPECT_FALSE(printed.disabled_noted());

  ConsoleReader reader({"A.x"});
  reader.feed_stdout(
      "[==========] Running 1 test from 1 test suite.\n[ RUN      ] A.x\n"
      "[       OK ] A.x (0 ms)\n[==========] 1 test from 1 test suite ran. (0 ms total)\n"
      "[  PASSED  ] 1 test.\n\n");
  EXPECT_FALSE(reader.disabled_noted());
  reader.feed_stdout("  YOU HAVE 1 DISABLED TEST\n\n");
  EXPECT_TRUE(reader.disabled_noted());
}

TEST(ConsoleReader, NamesWithSpacesCommasAndParametersAreMatchedWhole) {
  ConsoleReader reader({"Typed/with space.T", "Odd/a,b.T", "P/T.x/0"});
  reader.feed_stdout(
      "[ RUN      ] Typed/with space.T\n"
      "[  FAILED  ] Typed/with space.T, where TypeParam = int (0 ms)\n"
      "[ RUN      ] Odd/a,b.T\n[       OK ] Odd/a,b.T (0 ms)\n"
      "[ RUN      ] P/T.x/0\n[  SKIPPED ] P/T.x/0, where GetParam() = 1 (0 ms)\n");
  const auto events = reader.finish();
  EXPECT_TRUE(reader.started(0));
  EXPECT_TRUE(reader.started(1));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, Kind::test_end);
  EXPECT_EQ(events.back().skipped, std::optional<bool>(true));
}

TEST(ConsoleReader, MarkersPrintedByATestDoNotStartOrEndAnything) {
  ConsoleReader reader({"A.x", "A.y"});
  reader.feed_stdout("[ RUN      ] A.x\n[ RUN      ] A.y\n[       OK ] A.y (0 ms)\n");
  EXPECT_EQ(reader.running(), std::optional<std::size_t>(0)) << "A.y never really started";
  EXPECT_FALSE(reader.started(1));
  reader.feed_stdout("[  FAILED  ] A.x (0 ms)\n");
  // gtest's summary repeats failed tests' names after the run: not new ends or starts.
  auto events = reader.feed_stdout("[  FAILED  ] A.x\n[ RUN      ] Unknown.test\n");
  EXPECT_TRUE(events.empty());
}

TEST(ConsoleReader, AnEndLinePrintedByTheTestItselfIsOverruledByGtestsOwn) {
  ConsoleReader reader({"A.x", "A.y"});
  reader.feed_stdout("[ RUN      ] A.x\n[       OK ] A.x (0 ms)\nfile.cc:9: Failure\n");
  auto events = reader.feed_stdout("[  FAILED  ] A.x (1 ms)\n[ RUN      ] A.y\n");
  ASSERT_EQ(kinds(events), (std::vector<Kind>{Kind::test_end, Kind::test_start}));
  EXPECT_FALSE(events[0].passed) << "gtest's own, later end line decides";
}

TEST(ConsoleReader, TheProgramsEndIsTheLastBannerAfterItsTests) {
  ConsoleReader reader({"A.x"});
  reader.feed_stdout(
      "[ RUN      ] A.x\n[       OK ] A.x (0 ms)\n"
      "[==========] 1 test from 1 test suite ran. (0 ms total)\n"
      "[  PASSED  ] 1 test.\n");
  const auto events = reader.finish();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, Kind::program_end);
  EXPECT_TRUE(events.back().passed);

  ConsoleReader died({"A.x"});
  died.feed_stdout("[ RUN      ] A.x\n");
  for (const auto& e : died.finish()) EXPECT_NE(e.kind, Kind::program_end);
}

TEST(ConsoleReader, LinesSplitAcrossReadsAndMarkersAfterOtherOutput) {
  ConsoleReader reader({"A.x"});
  reader.feed_stdout("[ RUN ");
  reader.feed_stdout("     ] A.x\nthread says hi");  // no newline: gtest's line follows on it
  reader.feed_stdout("[       OK ] A.x (0 ms)\n");
  const auto events = reader.finish();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::test_end);
  EXPECT_TRUE(events[0].passed);
}

TEST(ConsoleReader, StderrGoesToTheRunningTest) {
  ConsoleReader reader({"A.x", "A.y"});
  reader.feed_stderr("before any test\n");
  reader.feed_stdout("[ RUN      ] A.x\n");
  reader.feed_stderr("x's warning\n");
  reader.feed_stdout("[       OK ] A.x (0 ms)\n");
  EXPECT_EQ(reader.take_err(0)->str(), "x's warning\n");
  EXPECT_TRUE(reader.take_err(1)->empty());
}

TEST(ConsoleReader, AnEndlessLineCostsBoundedMemoryAndStaysTheTestsOutput) {
  ConsoleReader reader({"A.x"});
  reader.feed_stdout("[ RUN      ] A.x\n");
  const std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 64; ++i) reader.feed_stdout(chunk);  // 4 MiB, no newline
  reader.feed_stdout("\n[       OK ] A.x (0 ms)\n");
  EXPECT_FALSE(reader.running());
  EXPECT_GE(reader.take_out(0)->size(), 64u * chunk.size());
}

TEST(ConsoleReader, TheLastLineWithoutANewlineCountsAtTheEnd) {
  ConsoleReader reader({"A.x"});
  reader.feed_stdout("[ RUN      ] A.x\n[       OK ] A.x (0 ms)");
  EXPECT_TRUE(reader.running());
  reader.finish();
  EXPECT_FALSE(reader.running());
}

TEST(ConsoleFailureMessages, AreWordedAsGtestsJsonReport) {
  EXPECT_EQ(failure_messages("[ RUN      ] S.T\na.cpp:3: Failure\nboom\n"
                             "unknown file: Failure\nC++ exception\nthrown\n"
                             "[  FAILED  ] S.T (0 ms)\n"),
            "a.cpp:3\nboom\n\nunknown file\nC++ exception\nthrown");
}

TEST(SkipMessage, IsGtestsSkipLinesOwnMessage) {
  EXPECT_EQ(skip_message("[ RUN      ] S.T\n/src/t.cpp:40: Skipped\nnot today\n\n"
                         "[  SKIPPED ] S.T (0 ms)\n"),
            "/src/t.cpp:40: not today");
  EXPECT_EQ(skip_message("/src/t.cpp:7: Skipped\n[  SKIPPED ] S.T (0 ms)\n"), "/src/t.cpp:7");
  EXPECT_EQ(skip_message("[ RUN      ] S.T\n[       OK ] S.T (0 ms)\n"), "");
}

}  // namespace
}  // namespace procpool::gtest
