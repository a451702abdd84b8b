// What a GoogleTest program says about its own run, as typed events: the same events whether
// they come from gtest's result stream (--gtest_stream_result_to, read here) or, for programs
// that cannot stream, from its console lines (console_reader.hpp). Verdicts are decided from
// these events and the process's end (judge.hpp), never from anything else a test prints.
//
// gtest's streaming protocol (gtest 1.6 and later, on Linux and the BSDs) is one line per event:
//   gtest_streaming_protocol_version=1.0
//   event=TestProgramStart
//   event=TestIterationStart&iteration=0
//   event=TestCaseStart&name=<suite>
//   event=TestStart&name=<test>
//   event=TestPartResult&file=<file>&line=<n>&message=<message>
//   event=TestEnd&passed=1&elapsed_time=0ms
//   event=TestCaseEnd&passed=1&elapsed_time=0ms
//   event=TestIterationEnd&passed=1&elapsed_time=0ms
//   event=TestProgramEnd&passed=1
// File and message are URL-encoded ('%', '=', '&' and newline as %XX); suite and test names are
// not, so a name is the rest of its line. TestEnd's passed=0 means failed *or* skipped (gtest
// 1.12 does not say which), and part results carry no type (a success, a failure or a skip).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace procpool::gtest {

// Where a process's events came from: gtest's result stream, or (for programs that cannot stream)
// its console lines, which a test can forge. Reports say which ("events" in --json).
enum class EventSource { stream, console };
const char* to_string(EventSource source);

struct ProgramEvent {
  enum class Kind {
    program_start,
    iteration_start,  // --gtest_repeat: each round
    suite_start,
    test_start,
    part_result,  // an assertion's result (success, failure or skip: the stream does not say)
    test_end,
    suite_end,
    iteration_end,
    program_end,
  };
  Kind kind = Kind::program_start;
  std::string name;     // suite_start: the suite; test_start: the full name "Suite.Name"
  bool passed = false;  // test_end, suite_end, iteration_end, program_end
  // test_end: what the console says when it is the source (it tells a skip apart); the stream
  // leaves it unset.
  std::optional<bool> skipped;
  // test_end from the stream: gtest's own measure of the test (whole milliseconds).
  std::optional<std::chrono::milliseconds> elapsed;
  // part_result: where and what
  std::string file;
  int line = 0;
  std::string message;
};

// Decodes gtest's streaming protocol line by line. The first line must be the protocol version;
// anything it cannot read is a protocol error (a connection that is not gtest's).
class StreamDecoder {
 public:
  enum class Status { event, version, ignored, error };
  // One line without its newline; on Status::event, `event` holds it.
  Status decode(std::string_view line, ProgramEvent& event);
  bool version_seen() const { return version_seen_; }

 private:
  bool version_seen_ = false;
  std::string suite_;  // the suite whose TestCaseStart came last: test names are relative to it
};

// "%0A" -> "\n" and so on; a '%' not followed by two hex digits is kept as it is.
std::string url_decode(std::string_view text);

}  // namespace procpool::gtest
