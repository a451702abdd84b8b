// `procpool run`'s sources of tasks: a command template applied to inputs (GNU parallel's
// `::: INPUT...`), or a file with one command line per line (`--tasks FILE`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::command {

// One task per input. In each word of `command` the replacement strings take the input:
//   {}  the input    {.} without its extension   {/} its basename   {//} its directory
//   {/.} basename without extension               {#} the task's 1-based sequence number
// When no input replacement string appears, the input is appended as the last argument
// (GNU parallel's rule). With `shell`, the words form one /bin/sh -c script and inputs are
// substituted shell-quoted.
// The task for the input at `index` (0-based; {#} is index + 1), made when needed: a run with
// 100,000 inputs keeps the inputs, not 100,000 TaskSpecs.
TaskSpec task_for_input(const std::vector<std::string>& command, const std::string& input,
                        std::size_t index, bool shell);
std::vector<TaskSpec> tasks_from_inputs(const std::vector<std::string>& command,
                                        const std::vector<std::string>& inputs, bool shell);

// One task per line; blank lines and # comments are skipped. Without `shell` each line is split
// into argv with shell-like quoting (no shell runs); with it, each line is a /bin/sh -c script.
// A bad line fails, named in the message ("line 3: unterminated single quote").
Result<std::vector<TaskSpec>> tasks_from_lines(std::string_view content, bool shell);

// Exposed for tests: the replacement of one word.
std::string substitute(std::string_view word, const std::string& input, std::size_t seq,
                       bool quote_input, bool* used_input);

}  // namespace procpool::command
