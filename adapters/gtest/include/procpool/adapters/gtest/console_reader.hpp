// Reads one gtest process's console (run with --gtest_color=no) for two things:
//  - each test's output: what it printed between its own "[ RUN      ]" and end lines, stderr
//    meanwhile; in every mode, since the console is where a test's output is;
//  - the program's events (program_events.hpp), for programs that cannot stream them (gtest on
//    Windows, very old gtest). Those events are text a test can print: a fallback, and reports
//    say when it was used.
//
// A test can print gtest's markers itself, and threads can put text before them on a line, so a
// marker counts only where it makes sense: a RUN line names a test that has not started while
// no other test is running; an end line names the test that is running. Anything else is ordinary
// output, except that a later end line of the test that ended last, before the next RUN line,
// overrules the earlier one (the earlier was the test's own). Names are matched whole against
// the tests the process was asked for, so they may hold spaces and commas.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "procpool/adapters/gtest/program_events.hpp"
#include "procpool/runner/core/capture.hpp"

namespace procpool::gtest {

class ConsoleReader {
 public:
  // `tests`: the full names ("Suite.Name") the process was asked to run; `slice_cap`: memory per
  // test's output before it spills to a temporary file.
  explicit ConsoleReader(const std::vector<std::string>& tests,
                         std::size_t slice_cap = Capture::default_memory_cap);

  // Stdout bytes as they arrive; returns the events the console shows, in order.
  std::vector<ProgramEvent> feed_stdout(std::string_view bytes);
  // Stderr bytes: they belong to the test running when they arrive.
  void feed_stderr(std::string_view bytes);
  // The end of stdout: a final line without a newline is looked at too.
  std::vector<ProgramEvent> finish();

  // gtest said, after its summary, that the filter selected DISABLED_ tests (which it did not
  // run). Text a test can print too: only ever a reason to look again (listing_witness.hpp).
  bool disabled_noted() const { return disabled_noted_; }
  // The test the console shows running now.
  std::optional<std::size_t> running() const { return running_; }
  bool started(std::size_t test) const { return tests_[test].started; }
  // What the test printed: stdout from its RUN line to its end line, stderr meanwhile.
  std::shared_ptr<Capture> take_out(std::size_t test);
  std::shared_ptr<Capture> take_err(std::size_t test);

 private:
  struct Test {
    bool started = false;
    bool ended = false;
    std::shared_ptr<Capture> out;
    std::shared_ptr<Capture> err;
  };
  void on_line(std::string_view line, std::vector<ProgramEvent>& events);
  // Tells the end of the test that ended last (a later end line can no longer overrule it).
  void flush_end(std::vector<ProgramEvent>& events);
  // The test a marker line names, matched whole against the known names.
  std::optional<std::size_t> named(std::string_view line, std::string_view marker) const;
  // The verdict when `line` is an end line naming `test`: passed, failed or skipped.
  std::optional<ProgramEvent> ends(std::string_view line, std::size_t test) const;

  std::vector<std::string> names_;
  std::vector<Test> tests_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::optional<std::size_t> running_;
  std::optional<std::size_t> last_ended_;    // until the next test starts
  std::optional<ProgramEvent> pending_end_;  // its end, until then
  bool program_started_ = false;
  bool program_ended_ = false;
  bool any_failed_ = false;
  bool disabled_noted_ = false;
  std::string partial_;  // an unfinished line
};

// gtest's failure messages in a test's console output, worded as its JSON report words them:
// each "<file>:<line>: Failure" line and the lines after it (up to the next such line or gtest's
// next marker) become "<file>:<line>\n<message>"; several are separated by a blank line.
std::string failure_messages(std::string_view output);

// Why a test skipped itself, from its console output: gtest prints "<file>:<line>: Skipped" and
// then the GTEST_SKIP() << message. "<file>:<line>: <message>", or empty when there is none.
std::string skip_message(std::string_view output);

}  // namespace procpool::gtest
