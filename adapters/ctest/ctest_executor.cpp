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
struct MatchWatch : std::enable_shared_from_this<MatchWatch> {
  explicit MatchWatch(boost::asio::io_context& io) : timer(io) {}
  std::shared_ptr<TaskSpec> spec;  // the task with the process layer's own deadline lifted
  boost::asio::steady_timer timer;
  std::vector<CmakeRegex> patterns;
  double seconds = 0;
  std::string output;  // the last kKept bytes of both streams
  static constexpr std::size_t kKept = 1u << 20;
  bool matched = false;
  bool over = false;
  schedule::StopAttempt stop;

  void arm(std::chrono::milliseconds after) {
    timer.expires_after(after);
    // The handler keeps the watch alive: it may run after the attempt is gone.
    timer.async_wait([this, self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || over) return;
      over = true;
      if (stop) stop(OutcomeKind::timed_out);
    });
  }
  void on_output(int, std::string_view bytes) {
    if (matched) return;
    output.append(bytes);
    if (output.size() > kKept) output.erase(0, output.size() - kKept);
    check(output);
  }
  bool check(const std::string& text) {
    for (const auto& pattern : patterns) {
      if (!pattern.search(text)) continue;
      matched = true;
      timer.cancel();
      arm(std::chrono::milliseconds(std::llround(seconds * 1000)));
      return true;
    }
    return false;
  }
};

}  // namespace

void CtestExecutor::start_watched(const schedule::Launch& launch, const CtestRules& rules,
                                  schedule::AttemptCallbacks callbacks) {
  auto watch = std::make_shared<MatchWatch>(io_);
  watch->seconds = rules.timeout_after_match->seconds;
  for (const auto& text : rules.timeout_after_match->patterns) {
    if (auto regex = CmakeRegex::compile(text)) watch->patterns.push_back(std::move(*regex));
  }
  schedule::Launch watched = launch;
  watched.deadline.reset();  // the watch keeps it

  auto started = std::move(callbacks.started);
  callbacks.started = [watch, started = std::move(started)](schedule::StopAttempt stop) {
    watch->stop = stop;
    if (started) started(std::move(stop));
  };
  auto output = std::move(callbacks.output);
  callbacks.output = [watch, output = std::move(output)](int stream, std::string_view bytes) {
    watch->on_output(stream, bytes);
    if (output) output(stream, bytes);
  };
  auto done = std::move(callbacks.done);
  callbacks.done = [watch, done = std::move(done)](AttemptResult result) {
    watch->over = true;
    watch->timer.cancel();
    done(std::move(result));
  };
  if (launch.deadline) watch->arm(*launch.deadline);
  inner_.start(watched, std::move(callbacks));
}

void CtestExecutor::start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) {
  const auto rules = launch.spec->test ? rules_.find(launch.spec->test->name) : rules_.end();
  if (rules == rules_.end()) {
    inner_.start(launch, std::move(callbacks));
    return;
  }
  // Refused before it starts: reported from the loop, never from inside start().
  auto refuse = [&](Outcome outcome, const std::string& detail) {
    schedule::post_unstarted(io_, std::move(callbacks.done), std::move(outcome), detail + '\n');
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
  schedule::AttemptCallbacks inner;
  inner.slow = std::move(callbacks.slow);
  inner.pending = std::move(callbacks.pending);
  inner.output = std::move(callbacks.output);
  inner.started = std::move(callbacks.started);
  inner.done = [&rules = rules->second, done = std::move(callbacks.done)](AttemptResult result) {
    // CTest matches its regular expressions against the test's whole output (ctest 3.25 kept
    // 60 MB and matched its first line): all of it up to kMatchedOutput, then the end.
    const std::size_t out = std::min(result.out->size(), kMatchedOutput);
    const std::string output =
        result.out->tail(kMatchedOutput) + result.err->tail(kMatchedOutput - out);
    result.outcome = apply_ctest_rules(result.outcome, output, rules);
    done(std::move(result));
  };
  schedule::Launch own = launch;
  // As ctest runs a test: one pipe for both streams, so patterns see them in the order written
  // (CLI11's tests match an error on stderr followed by the help on stdout).
  own.one_output_pipe = true;
  if (resources_) {
    // What the allocator gave this attempt, as CTest's variables on top of the test's own.
    auto spec = std::make_shared<TaskSpec>(*launch.spec);
    for (auto& var : resources_->environment(launch.index)) spec->env.push_back(std::move(var));
    own.spec = spec.get();
    inner.done = [spec, done = std::move(inner.done)](AttemptResult result) {
      done(std::move(result));
    };
  }
  if (rules->second.timeout_after_match) {
    start_watched(own, rules->second, std::move(inner));
    return;
  }
  inner_.start(own, std::move(inner));
}

}  // namespace procpool::ctest
