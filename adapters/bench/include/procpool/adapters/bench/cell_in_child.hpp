// A benchmark cell run whole in a child process: a procpool::Pool worker started by spawn,
// running `program` (empty: this program again). Two cells need one: an in-process executor
// meeting the crash workload (a segfault ends the child and loses the cell, not the harness),
// and every `tbb` cell, which runs in procpool-bench-tbb so the runner never loads TBB (Debian's
// TBB is a shared library and brings the shared libstdc++ back into a runner linked statically
// to start faster; README, "Performance").
//
// It is an executor of one task, the cell, so the caller's session drives it as it drives any
// cell: Ctrl-C ends the child and the session says the run was cancelled.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/pool.hpp"
#include "procpool/runner/schedule/executor.hpp"

namespace procpool::bench {

class CellInChild final : public schedule::Executor {
 public:
  // Starts the child now; throws procpool::Error when it cannot (a program that is not there).
  CellInChild(boost::asio::io_context& io, Cell cell, std::string worker, std::string program);

  void start(const schedule::Launch& launch, schedule::Observer observer) override;
  void stop_all(schedule::StopMode mode) override;

  // What the child measured; if it died, a result saying the run was lost.
  const CellResult& result() const { return result_; }

 private:
  void finish(const schedule::Observer& observer);

  boost::asio::io_context& io_;
  Cell cell_;
  std::string worker_;
  Pool child_;
  std::optional<AsyncResult<CellResult>> pending_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      keep_loop_;
  std::chrono::steady_clock::time_point started_;
  bool stopped_ = false;
  CellResult result_;
};

}  // namespace procpool::bench
