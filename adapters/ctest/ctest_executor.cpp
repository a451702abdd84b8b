#include "procpool/adapters/ctest/ctest_executor.hpp"

#include <boost/asio/post.hpp>

namespace procpool::ctest {

void CtestExecutor::start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) {
  const auto rules = launch.spec->test ? rules_.find(launch.spec->test->name) : rules_.end();
  if (rules == rules_.end()) {
    inner_.start(launch, std::move(callbacks));
    return;
  }
  // Refused before it starts: reported from the loop, never from inside start().
  auto refuse = [&](Outcome outcome, const std::string& detail) {
    AttemptResult result;
    result.outcome = std::move(outcome);
    auto out = std::make_shared<Capture>();
    out->append(detail + '\n');
    result.out = std::move(out);
    result.started_at = std::chrono::system_clock::now();
    boost::asio::post(io_,
                      [result = std::move(result), done = std::move(callbacks.done)]() mutable {
                        done(std::move(result));
                      });
  };
  if (const auto not_run = check_before_start(*launch.spec, rules->second)) {
    Outcome outcome;
    outcome.kind = OutcomeKind::not_run;
    outcome.message = not_run->reason;
    refuse(std::move(outcome), not_run->detail);
    return;
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
  inner.done = [&rules = rules->second, done = std::move(callbacks.done)](AttemptResult result) {
    // CTest matches its regular expressions against the test's whole output; keep the last MiB.
    const std::string output = result.out->tail(1 << 20) + result.err->tail(1 << 20);
    result.outcome = apply_ctest_rules(result.outcome, output, rules);
    done(std::move(result));
  };
  inner_.start(launch, std::move(inner));
}

}  // namespace procpool::ctest
