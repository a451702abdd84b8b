#include "procpool/adapters/gtest/batch_stream.hpp"

#include <gtest/gtest.h>

namespace procpool::gtest {
namespace {

using Kind = BatchStream::Event::Kind;

TEST(BatchStream, FollowsRunAndEndLinesAndSlicesEachTestsOutput) {
  BatchStream stream({"A.x", "A.y", "B.z"});
  auto events = stream.feed_stdout(
      "Running main()\n[ RUN      ] A.x\nhello x\n[       OK ] A.x (0 ms)\n"
      "[ RUN      ] A.y\nfile.cc:3: Failure\n[  FAILED  ] A.y (1 ms)\n[ RUN      ] B.z\n");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[1].kind, Kind::ended);
  EXPECT_EQ(events[1].verdict, OutcomeKind::passed);
  EXPECT_EQ(events[3].verdict, OutcomeKind::failed);
  EXPECT_EQ(stream.running(), std::optional<std::size_t>(2));
  EXPECT_EQ(stream.take_out(0)->str(), "[ RUN      ] A.x\nhello x\n[       OK ] A.x (0 ms)\n");
  EXPECT_EQ(stream.take_out(1)->str(),
            "[ RUN      ] A.y\nfile.cc:3: Failure\n[  FAILED  ] A.y (1 ms)\n");
  EXPECT_FALSE(stream.ended(2));
}

TEST(BatchStream, SkippedAndParameterisedEndLines) {
  BatchStream stream({"P/T.x/0", "S.k"});
  stream.feed_stdout("[ RUN      ] P/T.x/0\n[  FAILED  ] P/T.x/0, where GetParam() = 1 (0 ms)\n");
  stream.feed_stdout("[ RUN      ] S.k\n[  SKIPPED ] S.k (0 ms)\n");
  EXPECT_EQ(stream.verdict(0), OutcomeKind::failed);
  EXPECT_EQ(stream.verdict(1), OutcomeKind::skipped);
}

TEST(BatchStream, MarkersPrintedByATestDoNotStartOrEndAnything) {
  BatchStream stream({"A.x", "A.y"});
  stream.feed_stdout("[ RUN      ] A.x\n[ RUN      ] A.y\n[       OK ] A.y (0 ms)\n");
  EXPECT_EQ(stream.running(), std::optional<std::size_t>(0)) << "A.y never really started";
  EXPECT_FALSE(stream.started(1));
  stream.feed_stdout("[  FAILED  ] A.x (0 ms)\n");
  // gtest's summary repeats failed tests' names after the run: not new ends.
  auto events = stream.feed_stdout("[  FAILED  ] A.x\n[ RUN      ] Unknown.test\n");
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(stream.verdict(0), OutcomeKind::failed);
}

TEST(BatchStream, AnEndLinePrintedByTheTestItselfIsOverruledByGtestsOwn) {
  BatchStream stream({"A.x", "A.y"});
  stream.feed_stdout("[ RUN      ] A.x\n[       OK ] A.x (0 ms)\nfile.cc:9: Failure\n");
  EXPECT_EQ(stream.verdict(0), OutcomeKind::passed);
  stream.feed_stdout("[  FAILED  ] A.x (1 ms)\n[ RUN      ] A.y\n[       OK ] A.y (0 ms)\n");
  EXPECT_EQ(stream.verdict(0), OutcomeKind::failed);
  stream.feed_stdout("[  FAILED  ] A.y\n");  // the summary's list: no time, not an end line
  EXPECT_EQ(stream.verdict(1), OutcomeKind::passed);
}

TEST(BatchStream, LinesSplitAcrossReadsAndMarkersAfterOtherOutput) {
  BatchStream stream({"A.x"});
  stream.feed_stdout("[ RUN ");
  stream.feed_stdout("     ] A.x\nthread says hi");  // no newline: gtest's line follows on it
  auto events = stream.feed_stdout("[       OK ] A.x (0 ms)\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::ended);
  EXPECT_TRUE(stream.ended(0));
}

TEST(BatchStream, StderrGoesToTheRunningTest) {
  BatchStream stream({"A.x", "A.y"});
  stream.feed_stderr("before any test\n");
  stream.feed_stdout("[ RUN      ] A.x\n");
  stream.feed_stderr("x's warning\n");
  stream.feed_stdout("[       OK ] A.x (0 ms)\n");
  EXPECT_EQ(stream.take_err(0)->str(), "x's warning\n");
  EXPECT_TRUE(stream.take_err(1)->empty());
}

TEST(BatchStream, AnEndlessLineCostsBoundedMemoryAndStaysTheTestsOutput) {
  BatchStream stream({"A.x"});
  stream.feed_stdout("[ RUN      ] A.x\n");
  const std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 64; ++i) stream.feed_stdout(chunk);  // 4 MiB, no newline
  stream.feed_stdout("\n[       OK ] A.x (0 ms)\n");
  EXPECT_TRUE(stream.ended(0));
  EXPECT_GE(stream.take_out(0)->size(), 64u * chunk.size());
}

TEST(BatchStream, TheLastLineWithoutANewlineCountsAtTheEnd) {
  BatchStream stream({"A.x"});
  stream.feed_stdout("[ RUN      ] A.x\n[       OK ] A.x (0 ms)");
  EXPECT_FALSE(stream.ended(0));
  stream.finish();
  EXPECT_TRUE(stream.ended(0));
}

}  // namespace
}  // namespace procpool::gtest
