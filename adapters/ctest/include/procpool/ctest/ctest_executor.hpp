// Applies CTest's verdict rules (see apply_ctest_rules) to each finished test attempt.
#pragma once

#include <map>
#include <string>

#include "procpool/ctest/ctest_source.hpp"
#include "procpool/schedule/executor.hpp"

namespace procpool::ctest {

class CtestExecutor final : public Executor {
 public:
  // `rules` by test name (CTest names are unique in a build tree).
  CtestExecutor(Executor& inner, std::map<std::string, CtestRules> rules)
      : inner_(inner), rules_(std::move(rules)) {}
  void start(const Launch& launch, AttemptCallbacks callbacks) override;
  void stop_all(StopMode mode) override { inner_.stop_all(mode); }

 private:
  Executor& inner_;
  std::map<std::string, CtestRules> rules_;
};

}  // namespace procpool::ctest
