#include "procpool/runner/schedule/task_list.hpp"

namespace procpool::schedule {

const TaskSpec& GeneratedTasks::get(std::size_t index) {
  auto& made = made_[index];
  if (!made) made = std::make_unique<TaskSpec>(make_(index));  // stable while others come and go
  return *made;
}

}  // namespace procpool::schedule
