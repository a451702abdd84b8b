#include "procpool/runner/schedule/dependencies.hpp"

#include <algorithm>
#include <unordered_map>

namespace procpool::schedule {

const std::vector<std::string> Dependencies::kNone;

std::vector<std::string> find_dependency_cycle(const std::vector<TaskSpec>& tasks) {
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_name.emplace(report_name(tasks[i]), i);
  // Depth-first, iteratively (a chain of 100,000 dependencies must not blow the stack).
  enum class Mark : unsigned char { unseen, on_path, done };
  std::vector<Mark> mark(tasks.size(), Mark::unseen);
  for (std::size_t root = 0; root < tasks.size(); ++root) {
    if (mark[root] != Mark::unseen) continue;
    std::vector<std::pair<std::size_t, std::size_t>> path{{root, 0}};  // (task, next `after`)
    mark[root] = Mark::on_path;
    while (!path.empty()) {
      auto& [task, next] = path.back();
      if (next == tasks[task].after.size()) {
        mark[task] = Mark::done;
        path.pop_back();
        continue;
      }
      const auto found = by_name.find(tasks[task].after[next++]);
      if (found == by_name.end() || mark[found->second] == Mark::done) continue;
      if (mark[found->second] == Mark::on_path) {
        std::vector<std::string> cycle;
        auto from = std::find_if(path.begin(), path.end(),
                                 [&](const auto& step) { return step.first == found->second; });
        for (; from != path.end(); ++from) cycle.push_back(report_name(tasks[from->first]));
        cycle.push_back(report_name(tasks[found->second]));
        return cycle;
      }
      mark[found->second] = Mark::on_path;
      path.push_back({found->second, 0});
    }
  }
  return {};
}

void Dependencies::link(const std::vector<TaskSpec>& tasks) {
  unfinished_.clear();
  dependents_.clear();
  failed_.clear();
  const bool any = std::any_of(tasks.begin(), tasks.end(),
                               [](const TaskSpec& task) { return !task.after.empty(); });
  if (!any) return;
  if (!find_dependency_cycle(tasks).empty()) return;  // refused by the caller; never wait forever
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_name[report_name(tasks[i])].push_back(i);
  unfinished_.assign(tasks.size(), 0);
  dependents_.assign(tasks.size(), {});
  failed_.assign(tasks.size(), {});
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskSpec& task = tasks[i];
    for (const auto& name : task.after) {
      const auto found = by_name.find(name);
      if (found == by_name.end()) continue;
      const bool must_pass = std::find(task.after_passing.begin(), task.after_passing.end(),
                                       name) != task.after_passing.end();
      for (std::size_t prerequisite : found->second) {
        if (prerequisite == i) continue;
        dependents_[prerequisite].push_back({i, must_pass});
        ++unfinished_[i];
      }
    }
  }
}

std::vector<std::size_t> Dependencies::finished(std::size_t index, const std::string& name,
                                                bool passed) {
  std::vector<std::size_t> free;
  if (dependents_.empty()) return free;
  for (const auto& [dependent, must_pass] : dependents_[index]) {
    if (must_pass && !passed) {
      auto& failed = failed_[dependent];
      if (std::find(failed.begin(), failed.end(), name) == failed.end()) failed.push_back(name);
    }
    if (--unfinished_[dependent] == 0) free.push_back(dependent);
  }
  return free;
}

}  // namespace procpool::schedule
