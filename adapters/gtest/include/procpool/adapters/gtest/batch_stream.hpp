// Following one batch process's console output (gtest run with --gtest_color=no) to know, at
// every moment, which of the batch's tests is running, and to give each test the output it
// printed between its own "[ RUN      ]" and end lines.
//
// A test can print gtest's markers itself, and threads can put text before them on a line, so
// a marker counts only where it makes sense: a RUN line names a member that has not started
// while no other member is running; an end line names the member that is running. Anything
// else is ordinary output, except that a later end line of the test that ended last, before the
// next RUN line, overrules the earlier one (the earlier was the test's own). gtest's JSON result,
// read when the process ends normally, has the last word on verdicts; this stream matters when the
// process dies halfway.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "procpool/runner/core/capture.hpp"
#include "procpool/runner/core/outcome.hpp"

namespace procpool::gtest {

class BatchStream {
 public:
  using Clock = std::chrono::steady_clock;

  struct Event {
    enum class Kind { started, ended } kind = Kind::started;
    std::size_t member = 0;
    OutcomeKind verdict = OutcomeKind::passed;  // for ended: passed, failed or skipped
  };

  // `members`: the tests' full names ("Suite.Name"); `slice_cap`: memory per test's output
  // before it spills to a temporary file.
  explicit BatchStream(const std::vector<std::string>& members,
                       std::size_t slice_cap = Capture::default_memory_cap);

  // Stdout bytes as they arrive; returns what they reveal, in order.
  std::vector<Event> feed_stdout(std::string_view bytes, Clock::time_point now = Clock::now());
  // Stderr bytes: they belong to the test running when they arrive.
  void feed_stderr(std::string_view bytes);
  // The end of stdout: a final line without a newline is looked at too.
  std::vector<Event> finish(Clock::time_point now = Clock::now());

  std::optional<std::size_t> running() const { return running_; }
  bool started(std::size_t member) const { return tests_[member].started; }
  bool ended(std::size_t member) const { return tests_[member].ended; }
  OutcomeKind verdict(std::size_t member) const { return tests_[member].verdict; }
  std::chrono::nanoseconds duration(std::size_t member, Clock::time_point now) const;
  // What the member printed: stdout from its RUN line to its end line, stderr meanwhile.
  std::shared_ptr<Capture> take_out(std::size_t member);
  std::shared_ptr<Capture> take_err(std::size_t member);

 private:
  struct Test {
    bool started = false;
    bool ended = false;
    OutcomeKind verdict = OutcomeKind::passed;
    Clock::time_point began{};
    Clock::time_point finished{};
    std::shared_ptr<Capture> out;
    std::shared_ptr<Capture> err;
  };
  void on_line(std::string_view line, Clock::time_point now, std::vector<Event>& events);
  // The verdict when `line` is an end line naming `member`.
  std::optional<OutcomeKind> ends(std::string_view line, std::size_t member) const;

  std::vector<Test> tests_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::optional<std::size_t> running_;
  std::optional<std::size_t> last_ended_;  // until the next test starts
  std::string partial_;                    // an unfinished line
};

}  // namespace procpool::gtest
