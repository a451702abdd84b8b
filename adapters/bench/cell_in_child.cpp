#include "procpool/adapters/bench/cell_in_child.hpp"

#include <boost/asio/post.hpp>

namespace procpool::bench {

namespace {

// The child's task (registered: a spawned worker finds it by name, in this program or in
// procpool-bench-tbb, which link this file alike).
CellResult run_whole_cell(Cell cell, std::string worker) { return run_cell(cell, worker); }
PROCPOOL_TASK(run_whole_cell);

}  // namespace

CellInChild::CellInChild(boost::asio::io_context& io, Cell cell, std::string worker,
                         std::string program)
    : io_(io),
      cell_(std::move(cell)),
      worker_(std::move(worker)),
      child_(PoolOptions{.processes = 1,
                         .start_method = StartMethod::spawn,
                         .terminate_grace = std::chrono::milliseconds(300),
                         .executable = std::move(program)}) {}

void CellInChild::start(const schedule::Launch&, schedule::Observer observer) {
  started_ = std::chrono::steady_clock::now();
  // The loop must not run dry while the child works: held until its answer is taken (a member,
  // not captured: the notice below lives as long as the pending answer does).
  keep_loop_.emplace(io_.get_executor());
  // The notice comes on the pool's manager thread; the answer is taken on the loop.
  pending_.emplace(child_.apply_async_notify(
      [this, observer] { boost::asio::post(io_, [this, observer] { finish(observer); }); },
      &run_whole_cell, cell_, worker_));
}

void CellInChild::stop_all(schedule::StopMode) {
  stopped_ = true;
  child_.terminate();  // the pending answer then settles as terminated, and finish() runs
}

void CellInChild::finish(const schedule::Observer& observer) {
  AttemptResult attempt;
  try {
    result_ = pending_->get();
    attempt.outcome = Outcome::exited(0);
  } catch (const Error& e) {  // the child died: an in-process executor loses the whole run
    result_ = CellResult{cell_};
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    result_.failed = cell_.tasks;
    result_.lost = true;
    result_.note = std::string("the whole run was lost: ") + e.what();
    attempt.outcome = Outcome::exited(1);
    attempt.outcome.message = result_.note;
  }
  if (stopped_) attempt.outcome.kind = OutcomeKind::cancelled;
  keep_loop_.reset();
  observer->done(std::move(attempt));
}

}  // namespace procpool::bench
