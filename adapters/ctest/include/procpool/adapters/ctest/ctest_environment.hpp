// CTest's ENVIRONMENT_MODIFICATION on a test's environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::ctest {

// Reads the environment the tests would inherit (ENVIRONMENT_MODIFICATION starts from it).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// CTest's ENVIRONMENT_MODIFICATION (`VAR=OP:VALUE` entries, in order: reset, set, unset,
// string_append/prepend, path_list_append/prepend (':'), cmake_list_append/prepend (';')) on top
// of `task.env` (ENVIRONMENT) and the inherited environment; the result goes to task.env and
// task.env_unset. An unknown operation fails, naming it.
Result<void> apply_environment_modification(TaskSpec& task, const std::vector<std::string>& entries,
                                            const EnvLookup& getenv);

}  // namespace procpool::ctest
