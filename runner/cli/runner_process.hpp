// What makes the process that parsed the command line the runner, once per run, before any
// phase starts (posix/runner_process.cpp: the supervisor, blocked signals, SIGPIPE ignored, a
// child subreaper; windows/runner_process.cpp: the console's Ctrl-C, binary output, no crash
// dialogs).
#pragma once

#include <string>

#include "procpool/runner/core/result.hpp"

namespace procpool::cli {

// `subcommand` as CommandLine::subcommand() names it. A failure says what could not be set up.
Result<void> become_runner(char** argv, const std::string& subcommand);

}  // namespace procpool::cli
