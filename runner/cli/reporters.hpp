// The reporter list of a run, built in one place from the report options: the console (the
// caller's choice: blocks for tasks, gtest's lines for tests), any others the caller adds, then
// one reporter per report file asked for.
#pragma once

#include <memory>
#include <vector>

#include "common_options.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/report/status_line.hpp"
#include "session.hpp"

namespace procpool::cli {

// Owns the reporters; `session` lists them in call order for run_session.
struct Reporters {
  std::vector<std::unique_ptr<Reporter>> owned;
  SessionReporters session;
};

// Checks first that every report can be written (a long run must not fail at its end for a
// typo in a path) and creates the report directories; fails naming the path and the reason.
Result<void> prepare_report_paths(const ReportOptions& options);

// `console` first, then `extra` (not owned: e.g. the history recorder), then the files.
Reporters build_reporters(const ReportOptions& options,
                          std::unique_ptr<report::LiveConsole> console,
                          std::vector<Reporter*> extra = {});

// Checks before a long run that a report file can be created at `path`.
Result<void> check_report_path(const std::string& path);

}  // namespace procpool::cli
