// The tasks of a run, as the scheduler sees them: a count, and each TaskSpec when it is needed.
// A source that describes many tasks cheaply (a command template and 100,000 inputs) makes each
// TaskSpec only when the task is about to run and drops it once the task is reported, so a long
// queue costs its inputs, not a TaskSpec each.
//
// A spec from get() stays valid until release() of its index; the scheduler releases a task
// after its TaskFinished event, so reporters may use event specs only while handling an event.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "procpool/runner/core/task.hpp"

namespace procpool::schedule {

class TaskList {
 public:
  virtual ~TaskList() = default;
  virtual std::size_t size() const = 0;
  virtual const TaskSpec& get(std::size_t index) = 0;
  virtual void release(std::size_t index) = 0;
  // Every spec at once when the list holds them anyway (for dependencies between tasks);
  // nullptr for a generated list (its tasks have none).
  virtual const std::vector<TaskSpec>* all() const { return nullptr; }
};

// Tasks made ahead, in a vector: get() is a reference into it, release() does nothing.
class TaskVector final : public TaskList {
 public:
  explicit TaskVector(std::vector<TaskSpec> tasks) : tasks_(std::move(tasks)) {}
  std::size_t size() const override { return tasks_.size(); }
  const TaskSpec& get(std::size_t index) override { return tasks_[index]; }
  void release(std::size_t) override {}
  const std::vector<TaskSpec>* all() const override { return &tasks_; }

 private:
  std::vector<TaskSpec> tasks_;
};

// Tasks made on demand by `make(index)`, kept only from get() to release().
class GeneratedTasks final : public TaskList {
 public:
  GeneratedTasks(std::size_t count, std::function<TaskSpec(std::size_t)> make)
      : count_(count), make_(std::move(make)) {}
  std::size_t size() const override { return count_; }
  const TaskSpec& get(std::size_t index) override;
  void release(std::size_t index) override { made_.erase(index); }

 private:
  std::size_t count_;
  std::function<TaskSpec(std::size_t)> make_;
  std::unordered_map<std::size_t, std::unique_ptr<TaskSpec>> made_;
};

}  // namespace procpool::schedule
