// `procpool run`'s sources of tasks: a command template applied to argument sets (GNU
// parallel's `::: INPUT...` and friends, parallel_inputs.hpp), or a file with one command line per
// line (`--tasks FILE`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::command {

// A command template applied to one argument set (the values one command gets: one input, or
// several with several sources, --colsep or -N; parallel_inputs.hpp). GNU parallel's replacement
// strings, in any word:
//   {}  every argument, each its own word     {1} {2} ... {-1}  one argument ("" if missing)
//   {.} without extension  {/} basename  {//} directory  {/.} basename without extension,
//       for every argument ({.}) or one ({1.} {2/} {3//} {1/.})
//   {#} the task's 1-based sequence number    {%} the slot it runs in (1..jobs), set at launch
// When the command has no replacement string at all, the arguments are appended as the last
// words (GNU parallel's rule: `parallel echo {#} ::: a` prints 1, without a). With `shell`, the
// words form one /bin/sh -c script and arguments are substituted shell-quoted. `index` is 0-based
// ({#} is index + 1). Tasks are made when needed: a run with 100,000 inputs keeps the inputs, not
// 100,000 TaskSpecs.
// `context`: -X's context replace: a word with {} (or {.} ...) is repeated whole for every
// argument ('pre{}post' with a, b gives 'preapost' 'prebpost') instead of the text around it
// going to the first and last.
TaskSpec task_for_arguments(const std::vector<std::string>& command,
                            const std::vector<std::string>& args, std::size_t index, bool shell,
                            bool context = false);
// One task per input, each input one argument.
std::vector<TaskSpec> tasks_from_inputs(const std::vector<std::string>& command,
                                        const std::vector<std::string>& inputs, bool shell);

// One word of a template with its replacement strings done: the words it becomes ({} with
// several arguments makes several), whether it had a replacement string, and where {%} stood
// (word, offset) for the slot number to go in at launch.
struct Rendered {
  std::vector<std::string> words;
  bool used_args = false;
  std::vector<std::pair<std::size_t, std::size_t>> slot_marks;
};
Rendered render_word(std::string_view word, const std::vector<std::string>& args, std::size_t seq,
                     bool quote_args);
// A text with its replacement strings done, the words joined by spaces (--tagstring); {%} is
// dropped (the slot is not known yet).
std::string render_text(std::string_view text, const std::vector<std::string>& args,
                        std::size_t seq);

// One task per line; blank lines and # comments are skipped. Without `shell` each line is split
// into argv with shell-like quoting (no shell runs); with it, each line is a /bin/sh -c script.
// A bad line fails, named in the message ("line 3: unterminated single quote").
Result<std::vector<TaskSpec>> tasks_from_lines(std::string_view content, bool shell);

}  // namespace procpool::command
