// `procpool merge`: the --json reports of a run's shards (one per CI job) made into the reports
// of one run, after checking that they are exactly the shards of one run; and the shards'
// history files made into one.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace procpool::cli {

struct MergeOptions {
  std::vector<std::string> reports;       // the shards' --json reports
  std::string json;                       // --json OUT
  std::string junit;                      // --junit OUT
  std::string junit_group = "directory";  // --junit-group directory|label (CTest shards)
  std::string junit_family = "xunit2";    // --junit-family xunit2|xunit1
  std::string history;                    // --history OUT
  std::vector<std::string> history_in;    // --history-in FILE...: the shards' --history-out
  std::string trace;                      // --trace OUT
  std::vector<std::string> trace_in;      // --trace-in FILE...: the shards' --trace files
  bool allow_partial = false;             // problems with the shards are warnings
};

CLI::App* add_merge_command(CLI::App& app, MergeOptions& options);
int run_merge_command(const MergeOptions& options);

}  // namespace procpool::cli
