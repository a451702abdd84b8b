// Remembered test durations (default .procpool/history.json), so the next run can start the
// longest tests first and balance shards by time. A missing file is an empty history; a corrupt
// or foreign one (bad JSON, or JSON of the wrong shape or types) is ignored with a warning,
// never fatal, and replaced by the next save. Saved atomically, under a lock, merged with what
// is on disk: two runs sharing one file keep both runs' measurements.
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
  // The same from the file's text.
  static Result<DurationHistory> parse(std::string_view text, const std::string& path);

  std::optional<double> seconds(const std::string& id) const;
  const HistoryEntry* find(const std::string& id) const;
  void record(const std::string& id, double seconds, std::string outcome);
  // Takes every entry of `newer` over this one's.
  void merge(const DurationHistory& newer);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // Writes this history to `path` as it is. On failure the message names the file.
  Result<void> save(const std::string& path) const;

 private:
  std::map<std::string, HistoryEntry> entries_;
};

// Adds `measured` to the history file at `path`: under an exclusive lock (path + ".lock"), the
// file is read again, `measured` merged over it, and the result saved atomically, so runs that
// share the file at the same time lose none of each other's measurements.
Result<void> update_history_file(const std::string& path, const DurationHistory& measured);

// The key a test is remembered by: the binary's file name (not its path, so history survives a
// moved build tree or another CI checkout) and the test's full name.
std::string history_id(const TestIdentity& test);

// Records every test attempt that ran to its end (not cancelled) and adds them to the history
// file when the run finishes.
class HistoryRecorder final : public Reporter {
 public:
  explicit HistoryRecorder(std::string path) : path_(std::move(path)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;
  const std::string& error() const { return error_; }

 private:
  DurationHistory measured_;
  std::string path_;
  std::string error_;
};

}  // namespace procpool::plan
