#include "procpool/adapters/gtest/console_reader.hpp"

#include "console_markers.hpp"

namespace procpool::gtest {
namespace {

// A line longer than this without a newline is passed on as it is: no marker is that far in,
// and holding it would let one endless line cost unbounded memory.
constexpr std::size_t kLongestLine = 64 * 1024;

constexpr std::string_view kBanner = "[==========] ";
// After the summary: "  YOU HAVE 3 DISABLED TESTS", counting those the filter selected.
constexpr std::string_view kDisabledNote = "  YOU HAVE ";

std::string_view without_newline(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

}  // namespace

ConsoleReader::ConsoleReader(const std::vector<std::string>& tests, std::size_t slice_cap)
    : names_(tests) {
  tests_.resize(tests.size());
  for (std::size_t i = 0; i < tests.size(); ++i) {
    by_name_.emplace(tests[i], i);
    tests_[i].out = std::make_shared<Capture>(slice_cap);
    tests_[i].err = std::make_shared<Capture>(slice_cap);
  }
}

std::vector<ProgramEvent> ConsoleReader::feed_stdout(std::string_view bytes) {
  std::vector<ProgramEvent> events;
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
      on_line(bytes.substr(0, newline + 1), events);
    } else {
      partial_.append(bytes.substr(0, newline + 1));
      on_line(partial_, events);
      partial_.clear();
    }
    bytes.remove_prefix(newline + 1);
  }
  return events;
}

std::vector<ProgramEvent> ConsoleReader::finish() {
  std::vector<ProgramEvent> events;
  if (!partial_.empty()) on_line(partial_, events);
  partial_.clear();
  flush_end(events);
  if (program_ended_ && !running_) {
    ProgramEvent end;
    end.kind = ProgramEvent::Kind::program_end;
    end.passed = !any_failed_;
    events.push_back(end);
  }
  return events;
}

void ConsoleReader::feed_stderr(std::string_view bytes) {
  if (running_) tests_[*running_].err->append(bytes);
}

std::optional<std::size_t> ConsoleReader::named(std::string_view line,
                                                std::string_view marker) const {
  const auto at = line.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = without_newline(line.substr(at + marker.size()));
  // "Name", "Name (12 ms)", "Name, where GetParam() = 3 (0 ms)", "Name, where TypeParam = int":
  // the name is the whole rest, or what comes before the last " (" or the first ", where ".
  auto lookup = [&](std::string_view candidate) -> std::optional<std::size_t> {
    const auto found = by_name_.find(std::string(candidate));
    if (found == by_name_.end()) return std::nullopt;
    return found->second;
  };
  if (auto whole = lookup(rest)) return whole;
  std::string_view before_time = rest;
  if (const auto paren = rest.rfind(" ("); paren != std::string_view::npos) {
    before_time = rest.substr(0, paren);
    if (auto timed = lookup(before_time)) return timed;
  }
  for (std::size_t where = before_time.find(", where "); where != std::string_view::npos;
       where = before_time.find(", where ", where + 1)) {
    if (auto parameterised = lookup(before_time.substr(0, where))) return parameterised;
  }
  return std::nullopt;
}

std::optional<ProgramEvent> ConsoleReader::ends(std::string_view line, std::size_t test) const {
  struct End {
    std::string_view marker;
    bool passed;
    bool skipped;
  };
  for (const End& end : {End{kOkMarker, true, false}, End{kFailedMarker, false, false},
                         End{kSkippedMarker, false, true}}) {
    if (named(line, end.marker) == test) {
      ProgramEvent event;
      event.kind = ProgramEvent::Kind::test_end;
      event.passed = end.passed;
      event.skipped = end.skipped;
      return event;
    }
  }
  return std::nullopt;
}

void ConsoleReader::flush_end(std::vector<ProgramEvent>& events) {
  if (!pending_end_) return;
  any_failed_ = any_failed_ || (!pending_end_->passed && !pending_end_->skipped.value_or(false));
  events.push_back(*pending_end_);
  pending_end_.reset();
}

void ConsoleReader::on_line(std::string_view line, std::vector<ProgramEvent>& events) {
  if (running_) {
    Test& test = tests_[*running_];
    test.out->append(line);
    if (auto end = ends(line, *running_)) {
      test.ended = true;
      pending_end_ = *end;  // told once the next test starts: a later end line may overrule it
      last_ended_ = running_;
      running_.reset();
    }
    return;
  }
  // gtest's own end line is the last one before the next test starts: one printed by the test
  // itself came earlier and is overruled. (The summary's lines carry no time: not end lines.)
  if (last_ended_ && pending_end_ && line.find(" ms)") != std::string_view::npos) {
    if (auto end = ends(line, *last_ended_)) {
      tests_[*last_ended_].out->append(line);
      pending_end_ = *end;
      return;
    }
  }
  if (const auto test = named(line, kRunMarker); test && !tests_[*test].started) {
    flush_end(events);
    if (!program_started_) {  // a console without gtest's banner (a custom main printing none)
      program_started_ = true;
      events.push_back({ProgramEvent::Kind::program_start});
    }
    Test& started = tests_[*test];
    started.started = true;
    running_ = *test;
    last_ended_.reset();
    program_ended_ = false;
    started.out->append(line);
    ProgramEvent event;
    event.kind = ProgramEvent::Kind::test_start;
    event.name = names_[*test];
    events.push_back(event);
    return;
  }
  if (line.rfind(kBanner, 0) == 0 && line.find("Running ") == kBanner.size() && !program_started_) {
    program_started_ = true;
    events.push_back({ProgramEvent::Kind::program_start});
  } else if (line.rfind("Repeating all tests (iteration ", 0) == 0) {
    flush_end(events);
    last_ended_.reset();
    any_failed_ = false;
    program_ended_ = false;
    events.push_back({ProgramEvent::Kind::iteration_start});
  } else if (line.rfind(kBanner, 0) == 0 && line.find(" ran.") != std::string_view::npos) {
    flush_end(events);
    last_ended_.reset();
    program_ended_ = true;  // the run's end, unless another round follows
  } else if (line.rfind(kDisabledNote, 0) == 0) {
    disabled_noted_ = true;
  }
}

std::shared_ptr<Capture> ConsoleReader::take_out(std::size_t test) {
  auto out = std::move(tests_[test].out);
  tests_[test].out = std::make_shared<Capture>(0);
  return out;
}

std::shared_ptr<Capture> ConsoleReader::take_err(std::size_t test) {
  auto err = std::move(tests_[test].err);
  tests_[test].err = std::make_shared<Capture>(0);
  return err;
}

std::string skip_message(std::string_view output) {
  const std::size_t skipped = output.rfind(": Skipped\n");
  if (skipped == std::string_view::npos) return {};
  const std::size_t line_start = output.rfind('\n', skipped);
  const std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
  const std::string_view location = output.substr(from, skipped - from);
  std::string_view message = output.substr(skipped + std::string_view(": Skipped\n").size());
  message = message.substr(0, message.find("[  SKIPPED ]"));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  return std::string(location) + (message.empty() ? "" : ": " + std::string(message));
}

std::string failure_messages(std::string_view output) {
  std::string messages;
  std::string current;
  bool in_failure = false;
  auto close = [&] {
    if (!in_failure) return;
    while (!current.empty() && (current.back() == '\n' || current.back() == ' ')) {
      current.pop_back();
    }
    if (!messages.empty()) messages += "\n\n";
    messages += current;
    current.clear();
    in_failure = false;
  };
  while (!output.empty()) {
    const std::size_t newline = output.find('\n');
    const std::string_view line = output.substr(0, newline);
    output.remove_prefix(newline == std::string_view::npos ? output.size() : newline + 1);
    constexpr std::string_view kFailure = ": Failure";
    const bool header =
        line.size() > kFailure.size() && line.substr(line.size() - kFailure.size()) == kFailure;
    if (header) {  // "<file>:<line>: Failure" (or "unknown file: Failure"): gtest's JSON says
      close();     // "<file>:<line>" and the message on the lines after it
      in_failure = true;
      current = std::string(line.substr(0, line.size() - kFailure.size())) + "\n";
    } else if (line.rfind(kFailedMarker, 0) == 0 || line.rfind(kOkMarker, 0) == 0 ||
               line.rfind(kSkippedMarker, 0) == 0 || line.rfind(kRunMarker, 0) == 0) {
      close();
    } else if (in_failure) {
      current.append(line).push_back('\n');
    }
  }
  close();
  return messages;
}

}  // namespace procpool::gtest
