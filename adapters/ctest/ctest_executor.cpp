#include "procpool/adapters/ctest/ctest_executor.hpp"

namespace procpool::ctest {

void CtestExecutor::start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) {
  const auto rules = launch.spec->test ? rules_.find(launch.spec->test->name) : rules_.end();
  if (rules == rules_.end()) {
    inner_.start(launch, std::move(callbacks));
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
