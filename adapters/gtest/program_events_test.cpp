#include "procpool/adapters/gtest/program_events.hpp"

#include <gtest/gtest.h>

#include "procpool/adapters/gtest/program_record.hpp"

namespace procpool::gtest {
namespace {

using Kind = ProgramEvent::Kind;
using Status = StreamDecoder::Status;

// gtest 1.12's lines for one program, as its StreamingListener sends them (captured from
// tests/fixtures/fixture_batch with --gtest_stream_result_to).
constexpr const char* kLines[] = {
    "gtest_streaming_protocol_version=1.0",
    "event=TestProgramStart",
    "event=TestIterationStart&iteration=0",
    "event=TestCaseStart&name=Typed/with space&more",
    "event=TestStart&name=T",
    "event=TestPartResult&file=/src/a%26b.cc&line=46&message=Expected%0A  1%3D%3D2%25",
    "event=TestEnd&passed=0&elapsed_time=0ms",
    "event=TestCaseEnd&passed=0&elapsed_time=0ms",
    "event=TestIterationEnd&passed=0&elapsed_time=0ms",
    "event=TestProgramEnd&passed=0",
};

TEST(StreamDecoder, DecodesGtestsProtocolWithWholeNamesAndEncodedFields) {
  StreamDecoder decoder;
  std::vector<ProgramEvent> events;
  for (const char* line : kLines) {
    ProgramEvent event;
    const auto status = decoder.decode(line, event);
    ASSERT_NE(status, Status::error) << line;
    if (status == Status::event) events.push_back(event);
  }
  ASSERT_EQ(events.size(), 9u);
  EXPECT_EQ(events[2].kind, Kind::suite_start);
  EXPECT_EQ(events[2].name, "Typed/with space&more")
      << "a name is not encoded: the rest of the line";
  EXPECT_EQ(events[3].kind, Kind::test_start);
  EXPECT_EQ(events[3].name, "Typed/with space&more.T");
  EXPECT_EQ(events[4].kind, Kind::part_result);
  EXPECT_EQ(events[4].file, "/src/a&b.cc");
  EXPECT_EQ(events[4].line, 46);
  EXPECT_EQ(events[4].message, "Expected\n  1==2%");
  EXPECT_EQ(events[5].kind, Kind::test_end);
  EXPECT_FALSE(events[5].passed);
  EXPECT_EQ(events[8].kind, Kind::program_end);
}

TEST(StreamDecoder, AConnectionThatIsNotGtestsIsAnError) {
  StreamDecoder decoder;
  ProgramEvent event;
  EXPECT_EQ(decoder.decode("event=TestProgramStart", event), Status::error)
      << "the version comes first";
  StreamDecoder other;
  ASSERT_EQ(other.decode("gtest_streaming_protocol_version=1.0", event), Status::version);
  EXPECT_EQ(other.decode("hello", event), Status::error);
  EXPECT_EQ(other.decode("event=TestEnd&passed=maybe", event), Status::error);
  EXPECT_EQ(other.decode("event=SomethingNewer&x=1", event), Status::ignored);
}

TEST(UrlDecode, KeepsAPercentThatEncodesNothing) {
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%zz%41"), "%zzA");
}

ProgramEvent event(Kind kind, std::string name = "", bool passed = false) {
  ProgramEvent e;
  e.kind = kind;
  e.name = std::move(name);
  e.passed = passed;
  return e;
}

TEST(ProgramRecord, FollowsWhichTestRunsAndKeepsExtrasApart) {
  ProgramRecord record({"A.x", "A.y"});
  record.add(event(Kind::program_start));
  EXPECT_EQ(record.add(event(Kind::test_start, "A.x")).kind,
            ProgramRecord::Change::Kind::test_started);
  EXPECT_EQ(record.running(), std::optional<std::size_t>(0));
  record.add(event(Kind::test_end, "", true));
  record.add(event(Kind::test_start, "A.x-y"));  // matched by the filter's '?', not asked for
  ProgramEvent part = event(Kind::part_result);
  part.message = "boom";
  record.add(part);
  record.add(event(Kind::test_end, "", false));
  EXPECT_EQ(record.extras(), std::vector<std::string>{"A.x-y"});
  EXPECT_EQ(record.loose_part_count(), 0u) << "the extra's result is its own";
  EXPECT_TRUE(record.any_test_not_passed());
  EXPECT_FALSE(record.test(1).started);
  EXPECT_TRUE(record.test(0).passed);
  EXPECT_FALSE(record.out_of_order());
}

TEST(ProgramRecord, ResultsOutsideAnyTestAndEventsOutOfOrderAreNoted) {
  ProgramRecord record({"A.x"});
  record.add(event(Kind::program_start));
  record.add(event(Kind::part_result));  // a global set-up's assertion
  EXPECT_EQ(record.loose_part_count(), 1u);
  record.add(event(Kind::test_start, "A.x"));
  record.add(event(Kind::test_start, "A.x"));  // again, inside itself
  EXPECT_TRUE(record.out_of_order());
}

TEST(ProgramRecord, EachRoundOfARepeatIsKeptApart) {
  ProgramRecord record({"A.x"});
  record.add(event(Kind::program_start));
  for (bool passed : {true, false}) {
    record.add(event(Kind::iteration_start));
    record.add(event(Kind::test_start, "A.x"));
    record.add(event(Kind::test_end, "", passed));
  }
  ASSERT_EQ(record.rounds().size(), 2u);
  EXPECT_TRUE(record.rounds()[0][0].passed);
  EXPECT_FALSE(record.rounds()[1][0].passed);
  EXPECT_FALSE(record.out_of_order());
}

}  // namespace
}  // namespace procpool::gtest
