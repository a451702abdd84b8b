// Remembered test durations (default .procpool/history.json), so the next run can start the
// longest tests first and balance shards by time. A missing file is an empty history; a corrupt
// or foreign one (bad JSON, or JSON of the wrong shape or types) is ignored with a warning,
// never fatal, and replaced by the next save. Saved atomically, under a lock, merged with what
// is on disk: two runs sharing one file keep both runs' measurements. Every entry says when it
// was measured, so histories merge by "the newest measurement of each test wins" (the CI flow:
// every shard starts from one cached copy, `procpool merge --history` folds them back).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/file_identity.hpp"
#include "procpool/runner/core/result.hpp"

namespace procpool::plan {

struct HistoryEntry {
  double seconds = 0;        // the last measured duration
  std::string last_outcome;  // "passed", "failed", ...
  std::string measured_at;   // when the attempt started, ISO 8601 UTC; "" for old entries
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
  void record(const std::string& id, HistoryEntry entry);
  // Records `entry` unless the history holds a newer measurement of `id` (see merge).
  void record_if_newer(const std::string& id, const HistoryEntry& entry);
  // Per test, keeps the newer measurement of the two (by measured_at; an entry without a time
  // is the oldest, and on a tie `other` wins): merging is order-free for dated entries.
  void merge(const DurationHistory& other);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // Writes this history to `path` as it is. On failure the message names the file.
  Result<void> save(const std::string& path) const;

  // The file load() read, as it was just before the read (nothing for a missing file or a
  // history not loaded from a file): update_history_file's proof that it is still the same.
  const std::optional<FileIdentity>& source() const { return source_; }

 private:
  std::map<std::string, HistoryEntry> entries_;
  std::optional<FileIdentity> source_;
};

// Adds `measured` to the history file at `path`: under an exclusive lock (path + ".lock"), the
// file is read again, `measured` merged over it, and the result saved atomically, so runs that
// share the file at the same time lose none of each other's measurements. `as_loaded`, when
// given, is the history this run loaded from `path`: if the file is still that one (same file,
// size and time of change; every save replaces the file), it stands for the file and the file
// is not parsed a second time.
Result<void> update_history_file(const std::string& path, const DurationHistory& measured,
                                 const DurationHistory* as_loaded = nullptr);

// The key a test is remembered by: the binary's file name (not its path, so history survives a
// moved build tree or another CI checkout) and the test's full name.
std::string history_id(const TestIdentity& test);

// What a test attempt's measurement is worth remembering as: only attempts that ran to their
// end (not cancelled, not unable to start). Shared by the recorder and `procpool merge`.
bool worth_remembering(OutcomeKind kind, unsigned attempts);

struct HistoryRecorderOptions {
  // The shared durations file. An unsharded run adds its measurements to it; a shard only reads
  // it (for its partition): writing would move tests between the shards that run after it.
  std::string shared_path;
  bool update_shared = true;
  // --history-out: the history as loaded plus this run's measurements, written atomically
  // ("" for none). What a CI shard hands to `procpool merge --history`.
  std::string out_path;
  DurationHistory loaded;  // the history the plan read
};

// Records every test attempt worth remembering and writes the history files when the run
// finishes.
class HistoryRecorder final : public Reporter {
 public:
  explicit HistoryRecorder(HistoryRecorderOptions options) : options_(std::move(options)) {}
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;
  const std::string& error() const { return error_; }

 private:
  HistoryRecorderOptions options_;
  DurationHistory measured_;
  std::string error_;
};

}  // namespace procpool::plan
