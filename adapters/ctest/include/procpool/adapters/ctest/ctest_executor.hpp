// Applies CTest's verdict rules (see apply_ctest_rules) to each finished test attempt.
#pragma once

#include <map>
#include <string>

#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::ctest {

class CtestExecutor final : public schedule::Executor {
 public:
  // `rules` by test name (CTest names are unique in a build tree).
  CtestExecutor(schedule::Executor& inner, std::map<std::string, CtestRules> rules)
      : inner_(inner), rules_(std::move(rules)) {}
  void start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }

 private:
  schedule::Executor& inner_;
  std::map<std::string, CtestRules> rules_;
};

}  // namespace procpool::ctest
