// This process's environment as names, and the shell's wildcards on them (posix/: environ and
// fnmatch; windows/: the wide environment block and PathMatchSpecW, without case, as Windows
// compares names): what `procpool run --env PATTERN` keeps.
#pragma once

#include <string>
#include <vector>

namespace procpool {

std::vector<std::string> environment_variable_names();

// `*`, `?` and (on Linux) `[...]`, as a shell matches file names.
bool name_matches_pattern(const std::string& pattern, const std::string& name);

}  // namespace procpool
