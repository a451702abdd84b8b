// What one GoogleTest process said about the tests it ran, gathered from its events
// (program_events.hpp) as they arrive: which test is running now, which started and ended and how,
// their assertions' results, and whether the program reached its own end. Names are matched
// exactly (a name may hold spaces, commas, ':' or '*'); a test the process was not asked for is
// kept apart as an extra, never counted as another's result.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "procpool/adapters/gtest/program_events.hpp"

namespace procpool::gtest {

struct PartResult {
  std::string file;
  int line = 0;
  std::string message;
};

// One test in one round (--gtest_repeat) of the process.
struct TestSeen {
  using Clock = std::chrono::steady_clock;
  bool started = false;
  bool ended = false;
  bool passed = false;          // its end said passed (skips and failures both say not)
  std::optional<bool> skipped;  // when the source tells (the console does; the stream does not)
  std::vector<PartResult> parts;
  // When its start and end were read (the stream is read in bursts: up to a few tens of ms late),
  // and gtest's own measure of it, when the source gives one.
  Clock::time_point began{};
  Clock::time_point finished{};
  std::optional<std::chrono::milliseconds> elapsed;
};

class ProgramRecord {
 public:
  using Clock = std::chrono::steady_clock;

  // What an event changed, for whoever follows the run live (timers, "test started" reports).
  struct Change {
    enum class Kind { nothing, test_started, test_ended } kind = Kind::nothing;
    std::size_t test = 0;  // index into `names`
  };

  // `names`: every test the process was asked to run, in any order.
  explicit ProgramRecord(std::vector<std::string> names);

  Change add(const ProgramEvent& event, Clock::time_point now = Clock::now());

  const std::vector<std::string>& names() const { return names_; }
  std::optional<std::size_t> index_of(const std::string& name) const;
  // The last round's view of test `index` (the only round without --gtest_repeat).
  const TestSeen& test(std::size_t index) const { return rounds_.back()[index]; }
  const std::vector<std::vector<TestSeen>>& rounds() const { return rounds_; }

  bool program_started() const { return program_started_; }
  // The program's own end event, with the program's verdict (false when any test or anything
  // outside a test failed; skipped tests do not fail it).
  std::optional<bool> program_passed() const { return program_passed_; }
  // The test running now (started, not ended, in the current round).
  std::optional<std::size_t> running() const { return running_; }
  // Whether any test (asked for or extra) ended without passing, other than a skip its source
  // told apart: a failure, or a skip the stream cannot tell from one.
  bool any_test_not_passed() const { return any_not_passed_; }
  // Assertion results outside any test: a global or suite set-up or tear-down that failed,
  // succeeded or skipped (the stream does not say which).
  const std::vector<PartResult>& loose_parts() const { return loose_parts_; }
  std::size_t loose_part_count() const { return loose_part_count_; }
  // Tests that ran though the process was not asked for them (a '?' of the filter matched them).
  const std::vector<std::string>& extras() const { return extras_; }
  // The events broke gtest's own order (a test starting inside another, twice in a round): the
  // record cannot be trusted to vouch for anything.
  bool out_of_order() const { return out_of_order_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::vector<std::vector<TestSeen>> rounds_;
  bool iteration_seen_ = false;
  bool program_started_ = false;
  std::optional<bool> program_passed_;
  std::optional<std::size_t> running_;
  bool extra_running_ = false;
  bool any_not_passed_ = false;
  std::vector<PartResult> loose_parts_;
  std::size_t loose_part_count_ = 0;
  std::vector<std::string> extras_;
  bool out_of_order_ = false;
};

}  // namespace procpool::gtest
