// Which tasks wait for which (TaskSpec::after, CTest's DEPENDS and fixtures): a task may start
// once every task it names has its final verdict; when one it needs to pass (after_passing) did
// not, it is not run. Names not in the run are ignored; a name that stands for several tasks
// (--repeat) makes its dependants wait for all of them.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

// A cycle among the tasks' `after` names, as the names around it ("a", "b", "a"); empty when
// there is none. A run with a cycle would wait forever: callers refuse it first.
std::vector<std::string> find_dependency_cycle(const std::vector<TaskSpec>& tasks);

class Dependencies {
 public:
  // Links `tasks` by their names. With no `after` anywhere (or a cycle, which the caller
  // refuses) it keeps nothing and every task is free.
  void link(const std::vector<TaskSpec>& tasks);

  // Whether `index` still waits for a prerequisite's verdict.
  bool waiting(std::size_t index) const { return !unfinished_.empty() && unfinished_[index] > 0; }
  // The prerequisites it needed to pass that did not; empty when none (or none yet).
  const std::vector<std::string>& failed(std::size_t index) const {
    return failed_.empty() ? kNone : failed_[index];
  }

  // Task `index`, named `name`, has its final verdict (`passed`: passed or skipped itself).
  // Returns the tasks that no longer wait for anything.
  std::vector<std::size_t> finished(std::size_t index, const std::string& name, bool passed);

 private:
  static const std::vector<std::string> kNone;
  // By index; empty when no task has any prerequisite.
  std::vector<unsigned> unfinished_;
  std::vector<std::vector<std::pair<std::size_t, bool>>> dependents_;  // (task, must pass)
  std::vector<std::vector<std::string>> failed_;
};

}  // namespace procpool::schedule
