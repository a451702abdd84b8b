// GNU parallel's --halt: when to stop a run early, and how hard.
//   never | soon,fail=N | now,fail=N | soon,success=N | now,done=N | ...,fail=N%
// soon: start no new tasks and let running ones finish; now: also stop the running ones.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "procpool/runner/core/result.hpp"

namespace procpool::schedule {

struct HaltPolicy {
  enum class When { never, soon, now };
  enum class Trigger { fail, success, done };

  When when = When::never;
  Trigger trigger = Trigger::fail;
  double threshold = 1;  // a count, or a percentage of all tasks when `percent`
  bool percent = false;

  // Parses the --halt argument; on bad input the failure says why.
  static Result<HaltPolicy> parse(std::string_view text);

  // Whether the run should halt, given how many tasks have finished so far.
  bool triggered(std::size_t failed, std::size_t succeeded, std::size_t total) const;
};

}  // namespace procpool::schedule
