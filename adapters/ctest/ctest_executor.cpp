#include "procpool/adapters/ctest/ctest_executor.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "procpool/adapters/ctest/cmake_regex.hpp"
#include "procpool/runner/core/duration.hpp"

namespace procpool::ctest {
namespace {

// How much of a test's output its regular expressions are matched against: all of it, up to
// this; beyond, its end. ctest itself keeps everything in memory.
constexpr std::size_t kMatchedOutput = std::size_t{256} << 20;

// One attempt under TIMEOUT_AFTER_MATCH. As CTest, each time output arrives the patterns are
// searched in the whole output so far, stdout and stderr as they came (measured with ctest 3.25:
// "begin.*ready" matches across lines, "^ready" does not after a first line, "ready$" does not
// before the newline).
class MatchWatch final : public schedule::ForwardingObserver,
                         public std::enable_shared_from_this<MatchWatch> {
 public:
  MatchWatch(boost::asio::io_context& io, schedule::Observer next, const CtestRules& rules)
      : ForwardingObserver(std::move(next)), timer_(io) {
    seconds_ = rules.timeout_after_match->seconds;
    for (const auto& text : rules.timeout_after_match->patterns) {
      if (auto regex = CmakeRegex::compile(text)) patterns_.push_back(std::move(*regex));
    }
  }

  void arm(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    // The handler keeps the watch alive: it may run after the attempt is gone.
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->over_) return;
      self->over_ = true;
      if (self->stop_) self->stop_(OutcomeKind::timed_out);
    });
  }
  void started(schedule::StopAttempt stop) override {
    stop_ = stop;
    next_->started(std::move(stop));
  }
  void output(int stream, std::string_view bytes) override {
    if (!matched_) {
      output_.append(bytes);
      if (output_.size() > kKept) output_.erase(0, output_.size() - kKept);
      check(output_);
    }
    next_->output(stream, bytes);
  }
  void done(AttemptResult result) override {
    over_ = true;
    timer_.cancel();
    next_->done(std::move(result));
  }

 private:
  void check(const std::string& text) {
    for (const auto& pattern : patterns_) {
      if (!pattern.search(text)) continue;
      matched_ = true;
      timer_.cancel();
      arm(std::chrono::milliseconds(std::llround(seconds_ * 1000)));
      return;
    }
  }

  static constexpr std::size_t kKept = 1u << 20;  // of both streams, the last bytes
  boost::asio::steady_timer timer_;
  std::vector<CmakeRegex> patterns_;
  double seconds_ = 0;
  std::string output_;
  bool matched_ = false;
  bool over_ = false;
  schedule::StopAttempt stop_;
};

// A test's end judged by CTest's rules (pass/fail regular expressions, WILL_FAIL, skip codes).
class RulesApplied final : public schedule::ForwardingObserver {
 public:
  // `command`: what was started, when it differs from the task's (kept alive until done).
  RulesApplied(schedule::Observer next, const CtestRules& rules, std::shared_ptr<Command> command)
      : ForwardingObserver(std::move(next)), rules_(rules), command_(std::move(command)) {}
  void done(AttemptResult result) override {
    // CTest matches its regular expressions against the test's whole output (ctest 3.25 kept
    // 60 MB and matched its first line): all of it up to kMatchedOutput, then the end.
    const std::size_t out = std::min(result.out->size(), kMatchedOutput);
    const std::string output =
        result.out->tail(kMatchedOutput) + result.err->tail(kMatchedOutput - out);
    result.outcome = apply_ctest_rules(result.outcome, output, rules_);
    next_->done(std::move(result));
  }

 private:
  const CtestRules& rules_;
  std::shared_ptr<Command> command_;
};

}  // namespace

void CtestExecutor::start(const schedule::Launch& launch, schedule::Observer observer) {
  const auto rules = launch.spec->test ? rules_.find(launch.spec->test->name) : rules_.end();
  if (rules == rules_.end()) {
    inner_.start(launch, std::move(observer));
    return;
  }
  // Refused before it starts: reported from the loop, never from inside start().
  auto refuse = [&](Outcome outcome, const std::string& detail) {
    schedule::post_unstarted(io_, std::move(observer), std::move(outcome), detail + '\n');
  };
  if (const auto not_run = check_before_start(*launch.spec, rules->second)) {
    Outcome outcome;
    outcome.kind = OutcomeKind::not_run;
    outcome.message = not_run->reason;
    refuse(std::move(outcome), not_run->detail);
    return;
  }
  if (resources_) {
    if (auto why = resources_->insufficient(rules->first)) {
      Outcome outcome;
      outcome.kind = OutcomeKind::not_run;
      outcome.message = "Insufficient resources";
      refuse(std::move(outcome), *why);
      return;
    }
  }
  if (!rules->second.bad_command.empty()) {
    Outcome outcome = Outcome::exited(1);
    outcome.message = rules->second.bad_command;
    refuse(std::move(outcome), rules->second.bad_command);
    return;
  }
  schedule::Launch own = launch;
  // As ctest runs a test: one pipe for both streams, so patterns see them in the order written
  // (CLI11's tests match an error on stderr followed by the help on stdout).
  own.one_output_pipe = true;
  std::shared_ptr<Command> command;
  if (resources_) {
    // What the allocator gave this attempt, as CTest's variables on top of the test's own.
    command = std::make_shared<Command>(launch.command());
    for (auto& var : resources_->environment(launch.index)) command->env.push_back(std::move(var));
    own.derived = command.get();
  }
  schedule::Observer judged =
      std::make_shared<RulesApplied>(std::move(observer), rules->second, std::move(command));
  if (rules->second.timeout_after_match) {
    // TIMEOUT_AFTER_MATCH: the deadline is kept by the watch, so a match can move it either way.
    auto watch = std::make_shared<MatchWatch>(io_, std::move(judged), rules->second);
    if (launch.deadline) watch->arm(*launch.deadline);
    own.deadline.reset();
    inner_.start(own, std::move(watch));
    return;
  }
  inner_.start(own, std::move(judged));
}

}  // namespace procpool::ctest
