// CTest's rules around each attempt: before it starts, what makes it "Not Run" (a missing
// REQUIRED_FILES entry, working directory or executable; check_before_start) or a bad command;
// after it ends, its verdict (apply_ctest_rules).
#pragma once

#include <map>
#include <string>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::ctest {

class CtestExecutor final : public schedule::Executor {
 public:
  // `rules` by test name (CTest names are unique in a build tree).
  CtestExecutor(boost::asio::io_context& io, schedule::Executor& inner,
                std::map<std::string, CtestRules> rules)
      : io_(io), inner_(inner), rules_(std::move(rules)) {}
  void start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }

 private:
  boost::asio::io_context& io_;
  schedule::Executor& inner_;
  std::map<std::string, CtestRules> rules_;
};

}  // namespace procpool::ctest
