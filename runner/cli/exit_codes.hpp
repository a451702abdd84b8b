// The exit statuses every subcommand shares, so scripts can rely on them.
#pragma once

namespace procpool::cli {

inline constexpr int exit_ok = 0;             // every task succeeded
inline constexpr int exit_task_failed = 1;    // at least one task failed, crashed or timed out
inline constexpr int exit_usage = 2;          // bad options or input; the message names it
inline constexpr int exit_interrupted = 130;  // SIGINT (128 + 2)
inline constexpr int exit_terminated = 143;   // SIGTERM (128 + 15)

}  // namespace procpool::cli
