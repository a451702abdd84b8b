// `pool`: procpool's persistent worker processes (procpool::Pool, fork start method). Each task
// is one apply_async; a worker that dies fails only its task and is replaced.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::bench {

class PoolExecutor final : public schedule::Executor {
 public:
  PoolExecutor(boost::asio::io_context& io, unsigned processes);
  ~PoolExecutor() override;

  void start(const schedule::Launch& launch, schedule::Observer observer) override;
  // Workers cannot be told to drop one task: stopping terminates the whole pool, and every
  // task still in it reports as cancelled.
  void stop_all(schedule::StopMode mode) override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace procpool::bench
