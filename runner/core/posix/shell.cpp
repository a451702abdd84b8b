#include "procpool/runner/core/shell.hpp"

#include "procpool/runner/core/task.hpp"

namespace procpool {

std::vector<std::string> shell_argv(const std::string& script) { return {"/bin/sh", "-c", script}; }

std::string quote_for_shell(const std::string& word) { return shell_quote(word); }

}  // namespace procpool
