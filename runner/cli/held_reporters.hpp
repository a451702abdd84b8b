// Reporters that hear nothing until the run is known to be the right one: a run started from a
// remembered listing goes on while a fresh listing checks it. Until then every event is kept
// (with copies of what it points to that the scheduler may change); release() tells them all, in
// order, and lets later ones through; discard() forgets them, for a run that is abandoned and
// started again. No console line, report or history entry comes from an abandoned run.
//
// Events point to their TaskSpec: only for a run over a TaskVector, whose specs live as long as
// the run.
#pragma once

#include <functional>
#include <vector>

#include "procpool/runner/core/events.hpp"

namespace procpool::cli {

class HeldReporters final : public Reporter {
 public:
  explicit HeldReporters(std::vector<Reporter*> inner) : inner_(std::move(inner)) {}
  void release();
  void discard();
  bool held() const { return holding_; }
  // Called at once when the run is cancelled, held or not.
  std::function<void()> on_cancelled;
  // Called when the run has finished (its end kept while holding): it may release at once.
  std::function<void()> on_finished;

  void on_run_started(const RunStarted& event) override;
  void on_task_started(const TaskStarted& event) override;
  void on_task_slow(const TaskSlow& event) override;
  void on_task_pending(const TaskPending& event) override;
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_cancelled(const RunCancelled& event) override;
  void on_run_finished(const RunFinished& event) override;

 private:
  // Tells every reporter the event through `method` once released; while holding, keeps what
  // `keep()` makes: a call with its own copy of the event and of what it points to.
  template <typename Event, typename Keep>
  void pass(void (Reporter::*method)(const Event&), const Event& event, Keep keep);
  // For events that hold nothing the scheduler changes: a copy of the event itself.
  template <typename Event>
  void pass(void (Reporter::*method)(const Event&), const Event& event);
  std::vector<Reporter*> inner_;
  std::vector<std::function<void(Reporter&)>> kept_;
  bool holding_ = true;
  bool discarded_ = false;
};

}  // namespace procpool::cli
