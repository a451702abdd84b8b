#include "procpool/adapters/gtest/batch_stream.hpp"

#include "console_markers.hpp"

namespace procpool::gtest {
namespace {

// A line longer than this without a newline is passed on as it is: no marker is that far in,
// and holding it would let one endless line cost unbounded memory.
constexpr std::size_t kLongestLine = 64 * 1024;

}  // namespace

BatchStream::BatchStream(const std::vector<std::string>& members, std::size_t slice_cap) {
  tests_.resize(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    by_name_.emplace(members[i], i);
    tests_[i].out = std::make_shared<Capture>(slice_cap);
    tests_[i].err = std::make_shared<Capture>(slice_cap);
  }
}

std::vector<BatchStream::Event> BatchStream::feed_stdout(std::string_view bytes,
                                                         Clock::time_point now) {
  std::vector<Event> events;
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(bytes);
      if (partial_.size() > kLongestLine) {
        if (running_) tests_[*running_].out->append(partial_);
        partial_.clear();
      }
      break;
    }
    if (partial_.empty()) {
      on_line(bytes.substr(0, newline + 1), now, events);
    } else {
      partial_.append(bytes.substr(0, newline + 1));
      on_line(partial_, now, events);
      partial_.clear();
    }
    bytes.remove_prefix(newline + 1);
  }
  return events;
}

std::vector<BatchStream::Event> BatchStream::finish(Clock::time_point now) {
  std::vector<Event> events;
  if (!partial_.empty()) on_line(partial_, now, events);
  partial_.clear();
  return events;
}

void BatchStream::feed_stderr(std::string_view bytes) {
  if (running_) tests_[*running_].err->append(bytes);
}

std::optional<OutcomeKind> BatchStream::ends(std::string_view line, std::size_t member) const {
  for (const auto& [marker, verdict] :
       {std::pair{kOkMarker, OutcomeKind::passed}, std::pair{kFailedMarker, OutcomeKind::failed},
        std::pair{kSkippedMarker, OutcomeKind::skipped}}) {
    auto name = name_after(line, marker);
    if (!name) continue;
    const auto found = by_name_.find(std::string(*name));
    if (found != by_name_.end() && found->second == member) return verdict;
  }
  return std::nullopt;
}

void BatchStream::on_line(std::string_view line, Clock::time_point now,
                          std::vector<Event>& events) {
  if (!running_) {
    // gtest's own end line is the last one before the next test starts: one printed by the test
    // itself came earlier and is overruled. (The summary's lines carry no time: not end lines.)
    if (last_ended_ && line.find(" ms)") != std::string_view::npos) {
      if (auto verdict = ends(line, *last_ended_)) {
        Test& last = tests_[*last_ended_];
        last.verdict = *verdict;
        last.finished = now;
        last.out->append(line);
        return;
      }
    }
    if (auto name = name_after(line, kRunMarker)) {
      const auto found = by_name_.find(std::string(*name));
      if (found != by_name_.end() && !tests_[found->second].started) {
        Test& test = tests_[found->second];
        test.started = true;
        test.began = now;
        running_ = found->second;
        last_ended_.reset();
        events.push_back({Event::Kind::started, found->second});
      }
    }
    if (running_) tests_[*running_].out->append(line);
    return;
  }
  Test& test = tests_[*running_];
  test.out->append(line);
  if (auto verdict = ends(line, *running_)) {
    test.ended = true;
    test.verdict = *verdict;
    test.finished = now;
    events.push_back({Event::Kind::ended, *running_, *verdict});
    last_ended_ = running_;
    running_.reset();
  }
}

std::chrono::nanoseconds BatchStream::duration(std::size_t member, Clock::time_point now) const {
  const Test& test = tests_[member];
  if (!test.started) return std::chrono::nanoseconds(0);
  return (test.ended ? test.finished : now) - test.began;
}

std::shared_ptr<Capture> BatchStream::take_out(std::size_t member) {
  auto out = std::move(tests_[member].out);
  tests_[member].out = std::make_shared<Capture>(0);
  return out;
}

std::shared_ptr<Capture> BatchStream::take_err(std::size_t member) {
  auto err = std::move(tests_[member].err);
  tests_[member].err = std::make_shared<Capture>(0);
  return err;
}

}  // namespace procpool::gtest
