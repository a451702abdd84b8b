#include "procpool/adapters/gtest/program_record.hpp"

namespace procpool::gtest {
namespace {

// A test asserting in a loop can send millions of results: keep the first ones, enough for any
// report, and count the rest.
constexpr std::size_t kMaxPartsKept = 200;
constexpr std::size_t kMaxPartBytes = 64 * 1024;
constexpr std::size_t kMaxExtrasKept = 1000;

void keep(std::vector<PartResult>& parts, const ProgramEvent& event) {
  if (parts.size() >= kMaxPartsKept) return;
  PartResult part{event.file, event.line, event.message};
  if (part.message.size() > kMaxPartBytes) {
    part.message.resize(kMaxPartBytes);
    part.message += "... (cut)";
  }
  parts.push_back(std::move(part));
}

}  // namespace

ProgramRecord::ProgramRecord(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t i = 0; i < names_.size(); ++i) by_name_.emplace(names_[i], i);
  rounds_.emplace_back(names_.size());
}

std::optional<std::size_t> ProgramRecord::index_of(const std::string& name) const {
  const auto found = by_name_.find(name);
  if (found == by_name_.end()) return std::nullopt;
  return found->second;
}

ProgramRecord::Change ProgramRecord::add(const ProgramEvent& event, Clock::time_point now) {
  using Kind = ProgramEvent::Kind;
  Change change;
  const bool in_test = running_.has_value() || extra_running_;
  switch (event.kind) {
    case Kind::program_start:
      if (program_started_) out_of_order_ = true;
      program_started_ = true;
      break;
    case Kind::iteration_start:
      if (in_test) out_of_order_ = true;
      // The first round's start opens the round already there; each later one a new round.
      if (iteration_seen_) rounds_.emplace_back(names_.size());
      iteration_seen_ = true;
      break;
    case Kind::suite_start:
    case Kind::suite_end:
    case Kind::iteration_end:
      if (in_test) out_of_order_ = true;
      break;
    case Kind::test_start: {
      if (in_test || !program_started_) out_of_order_ = true;
      const auto index = index_of(event.name);
      if (!index) {
        extra_running_ = true;
        if (extras_.size() < kMaxExtrasKept) extras_.push_back(event.name);
        break;
      }
      TestSeen& test = rounds_.back()[*index];
      if (test.started) out_of_order_ = true;  // twice in one round
      test = TestSeen{};
      test.started = true;
      test.began = now;
      running_ = *index;
      change = {Change::Kind::test_started, *index};
      break;
    }
    case Kind::part_result:
      if (running_) {
        keep(rounds_.back()[*running_].parts, event);
      } else if (!extra_running_) {
        ++loose_part_count_;
        keep(loose_parts_, event);
      }
      break;
    case Kind::test_end:
      // A skip the console told apart is no failure of the program; one the stream reports
      // looks like a failure (passed=0) until gtest's report says otherwise.
      if (!event.passed && !event.skipped.value_or(false)) any_not_passed_ = true;
      if (extra_running_) {
        extra_running_ = false;
        break;
      }
      if (!running_) {
        out_of_order_ = true;
        break;
      }
      {
        TestSeen& test = rounds_.back()[*running_];
        test.ended = true;
        test.passed = event.passed;
        test.skipped = event.skipped;
        test.finished = now;
        test.elapsed = event.elapsed;
        change = {Change::Kind::test_ended, *running_};
        running_.reset();
      }
      break;
    case Kind::program_end:
      if (in_test || program_passed_) out_of_order_ = true;
      program_passed_ = event.passed;
      break;
  }
  return change;
}

}  // namespace procpool::gtest
