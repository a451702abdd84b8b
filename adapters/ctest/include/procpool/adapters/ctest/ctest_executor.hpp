// CTest's rules around each attempt: before it starts, what makes it "Not Run" (a missing
// REQUIRED_FILES entry, working directory or executable; check_before_start) or a bad command;
// after it ends, its verdict (apply_ctest_rules).
#pragma once

#include <map>
#include <string>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/adapters/ctest/resource_groups.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::ctest {

class CtestExecutor final : public schedule::Executor {
 public:
  // `rules` by test name (CTest names are unique in a build tree).
  // `resources`: CTest's resource allocation when a resource spec file was given (may be null):
  // a test gets the variables of what it was given, or is Not Run when it could never fit.
  CtestExecutor(boost::asio::io_context& io, schedule::Executor& inner,
                std::map<std::string, CtestRules> rules,
                const ResourceAllocator* resources = nullptr)
      : io_(io), inner_(inner), rules_(std::move(rules)), resources_(resources) {}
  void start(const schedule::Launch& launch, schedule::Observer observer) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }

 private:
  boost::asio::io_context& io_;
  schedule::Executor& inner_;
  std::map<std::string, CtestRules> rules_;
  const ResourceAllocator* resources_;
};

}  // namespace procpool::ctest
