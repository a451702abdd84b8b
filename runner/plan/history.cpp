#include "procpool/runner/plan/history.hpp"
#include "procpool/runner/core/bounded_read.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/file_lock.hpp"
#include "procpool/runner/core/wall_time.hpp"

namespace procpool::plan {
namespace {

constexpr const char* kFormat = "procpool-history";
constexpr int kVersion = 1;

// A shape check that never throws: nlohmann's value() and get() throw on a wrong type, and a
// history file is input like any other.
bool is_our_history(const nlohmann::json& doc) {
  if (!doc.is_object()) return false;
  const auto format = doc.find("format");
  const auto version = doc.find("version");
  const auto tests = doc.find("tests");
  return format != doc.end() && format->is_string() && format->get<std::string>() == kFormat &&
         version != doc.end() && version->is_number_integer() &&
         version->get<long long>() == kVersion && tests != doc.end() && tests->is_object();
}

}  // namespace

Result<DurationHistory> DurationHistory::load(const std::string& path) {
  // Before the read: a file replaced between the two then only looks changed (and is read
  // again by update_history_file), never the other way round.
  auto identity = regular_file_identity(path);
  bool missing = false;
  auto text = read_bounded_file(path, kMaxHistoryBytes, "history", &missing);
  if (!text && missing) return DurationHistory{};  // no history yet: nothing to warn about
  if (!text) return fail("ignoring history file " + text.error());
  auto history = parse(*text, path);
  if (history) history->source_ = identity;
  return history;
}

Result<DurationHistory> DurationHistory::parse(std::string_view text, const std::string& path) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("ignoring history file " + path + ": it is not valid JSON");
  if (!is_our_history(doc)) {
    return fail("ignoring history file " + path + ": not a procpool history (version " +
                std::to_string(kVersion) + ")");
  }
  DurationHistory history;
  for (const auto& item : doc["tests"].items()) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below.
    const std::string& id = item.key();
    const auto& entry = item.value();
    if (!entry.is_object()) continue;
    const auto seconds = entry.find("seconds");
    if (seconds == entry.end() || !seconds->is_number()) continue;
    const double value = seconds->get<double>();
    if (!(value >= 0) || value > 1e9) continue;  // negative, NaN-like or absurd: not a duration
    auto text = [&](const char* key) {
      const auto found = entry.find(key);
      return found != entry.end() && found->is_string() ? found->get<std::string>() : std::string();
    };
    history.entries_[id] = {value, text("last_outcome"), text("measured_at")};
  }
  return history;
}

std::optional<double> DurationHistory::seconds(const std::string& id) const {
  if (const auto* entry = find(id)) return entry->seconds;
  return std::nullopt;
}

const HistoryEntry* DurationHistory::find(const std::string& id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void DurationHistory::record(const std::string& id, HistoryEntry entry) {
  entries_[id] = std::move(entry);
}

void DurationHistory::record_if_newer(const std::string& id, const HistoryEntry& entry) {
  auto [it, inserted] = entries_.try_emplace(id, entry);
  // ISO 8601 UTC of one fixed width compares as text.
  if (!inserted && entry.measured_at >= it->second.measured_at) it->second = entry;
}

void DurationHistory::merge(const DurationHistory& other) {
  for (const auto& [id, entry] : other.entries_) record_if_newer(id, entry);
}

Result<void> DurationHistory::save(const std::string& path) const {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return fail("cannot create " + parent.string() + ": " + ec.message());
  }
  // Built node by node, in key order: the initializer-list form took most of a 40,000-test
  // merge's history time.
  nlohmann::json::object_t tests;
  for (const auto& [id, entry] : entries_) {
    nlohmann::json::object_t fields;
    fields.emplace("seconds", entry.seconds);
    fields.emplace("last_outcome", entry.last_outcome);
    if (!entry.measured_at.empty()) fields.emplace("measured_at", entry.measured_at);
    tests.emplace_hint(tests.end(), id, std::move(fields));
  }
  nlohmann::json doc = nlohmann::json::object();
  doc["format"] = kFormat;
  doc["version"] = kVersion;
  doc["tests"] = std::move(tests);
  // A cache of durations: a file lost to a power cut costs one run its balance, not a result.
  return write_file_atomically(
      path, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
      Durability::cache);
}

Result<void> update_history_file(const std::string& path, const DurationHistory& measured,
                                 const DurationHistory* as_loaded) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);  // for the lock file
  FileLock lock(path);
  if (!lock.error().empty()) return fail(lock.error());
  // What another run saved meanwhile stays; a bad file is replaced. Parsing the file again
  // was a tenth of a warm batched run's end for a few hundred tests: skipped when unchanged.
  const bool unchanged =
      as_loaded && as_loaded->source() && regular_file_identity(path) == as_loaded->source();
  DurationHistory history =
      unchanged ? *as_loaded : DurationHistory::load(path).value_or(DurationHistory{});
  history.merge(measured);
  return history.save(path);
}

std::string history_id(const TestIdentity& test) {
  return std::filesystem::path(test.binary).filename().string() + "::" + test.full_name();
}

bool worth_remembering(OutcomeKind kind, unsigned attempts) {
  return attempts > 0 && kind != OutcomeKind::cancelled && kind != OutcomeKind::failed_to_start;
}

void HistoryRecorder::on_task_finished(const TaskFinished& event) {
  const AttemptResult& result = *event.result;
  if (!event.spec->test || !worth_remembering(result.outcome.kind, event.attempts)) return;
  measured_.record(history_id(*event.spec->test),
                   {std::chrono::duration<double>(result.cost.value_or(result.duration)).count(),
                    std::string(to_string(result.outcome.kind)), iso8601_utc(result.started_at)});
}

void HistoryRecorder::on_run_finished(const RunFinished&) {
  auto keep_first_error = [&](const Result<void>& saved) {
    if (!saved && error_.empty()) error_ = saved.error();
  };
  if (options_.update_shared && !options_.shared_path.empty()) {
    keep_first_error(update_history_file(options_.shared_path, measured_, &options_.loaded));
  }
  if (!options_.out_path.empty()) {
    DurationHistory out = options_.loaded;
    out.merge(measured_);
    keep_first_error(out.save(options_.out_path));
  }
}

}  // namespace procpool::plan
