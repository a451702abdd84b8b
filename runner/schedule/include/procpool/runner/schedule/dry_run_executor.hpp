// --dry-run: the run goes through the real scheduler (order, slots, dependencies, --resume's
// selection), but no attempt starts a process: each is shown, and passes at once. As ninja's
// dry-run command runner, so what a dry run prints is what a real run would start, in order.
#pragma once

#include <functional>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {

class DryRunExecutor final : public Executor {
 public:
  // `show` is called for every attempt, in the order the scheduler starts them.
  DryRunExecutor(boost::asio::io_context& io, std::function<void(const Launch&)> show)
      : io_(io), show_(std::move(show)) {}
  void start(const Launch& launch, Observer observer) override;
  void stop_all(StopMode) override {}  // nothing runs long enough to stop

 private:
  boost::asio::io_context& io_;
  std::function<void(const Launch&)> show_;
};

}  // namespace procpool::schedule
