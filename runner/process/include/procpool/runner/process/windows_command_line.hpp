// Windows passes a program one command line, not an argv: each program splits it again, by the
// rules of CommandLineToArgvW and the C runtime. Quoting by those rules is the only way every
// argument arrives intact (spaces, quotes, backslashes, empty strings). Pure text, so it is
// compiled and unit-tested on every platform; windows/child.cpp uses it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::process {

// Windows' limit: 32,767 UTF-16 units including the terminating NUL.
inline constexpr std::size_t kMaxWindowsCommandLine = 32767;

// One argument quoted so that CommandLineToArgvW gives it back unchanged: as is when it needs
// nothing; else in double quotes, with a backslash run doubled before a quote (and before the
// closing quote) and each quote escaped.
std::string quote_windows_argument(const std::string& argument);

// The whole command line. argv[0] is quoted without escapes (Windows reads the program name up
// to the next quote or space, with no backslash rules). Fails, naming the length, when it is
// longer than Windows allows (never cut), or when argv is empty or argv[0] holds a quote.
Result<std::string> windows_command_line(const std::vector<std::string>& argv);

// The inverse, by CommandLineToArgvW's rules (for tests, and for reading a command line back).
std::vector<std::string> split_windows_command_line(const std::string& command_line);

}  // namespace procpool::process
