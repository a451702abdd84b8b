// Remembered test durations (default .procpool/history.json), so the next run can start the
// longest tests first and balance shards by time. A missing file is an empty history; a corrupt
// or foreign one is ignored with a warning, never fatal. Saved atomically.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::plan {

struct HistoryEntry {
  double seconds = 0;        // the last measured duration
  std::string last_outcome;  // "passed", "failed", ...
};

class DurationHistory {
 public:
  // Loads `path`; a missing file is an empty history. Fails (saying why) when the file is not
  // a procpool history: the caller warns and goes on with an empty one.
  static Result<DurationHistory> load(const std::string& path);

  std::optional<double> seconds(const std::string& id) const;
  const HistoryEntry* find(const std::string& id) const;
  void record(const std::string& id, double seconds, std::string outcome);
  bool empty() const { return entries_.empty(); }

  // On failure the message names the file.
  Result<void> save(const std::string& path) const;

 private:
  std::map<std::string, HistoryEntry> entries_;
};

// The key a test is remembered by: the binary's file name (not its path, so history survives a
// moved build tree or another CI checkout) and the test's full name.
std::string history_id(const TestIdentity& test);

// Records every test attempt that ran to its end (not cancelled) when the run finishes.
class HistoryRecorder final : public Reporter {
 public:
  HistoryRecorder(DurationHistory& history, std::string path)
      : history_(history), path_(std::move(path)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;
  const std::string& error() const { return error_; }

 private:
  DurationHistory& history_;
  std::string path_;
  std::string error_;
};

}  // namespace procpool::plan
