#include "procpool/runner/plan/history.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "procpool/runner/core/atomic_file.hpp"

namespace procpool::plan {
namespace {
constexpr const char* kFormat = "procpool-history";
constexpr int kVersion = 1;
}  // namespace

Result<DurationHistory> DurationHistory::load(const std::string& path) {
  DurationHistory history;
  std::ifstream file(path);
  if (!file) return history;  // no history yet: nothing to warn about
  std::stringstream text;
  text << file.rdbuf();
  const auto doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail("ignoring history file " + path + ": it is not valid JSON");
  }
  if (doc.value("format", "") != kFormat || doc.value("version", 0) != kVersion ||
      !doc.contains("tests") || !doc["tests"].is_object()) {
    return fail("ignoring history file " + path + ": not a procpool history (version " +
                std::to_string(kVersion) + ")");
  }
  for (const auto& [id, entry] : doc["tests"].items()) {
    if (!entry.is_object() || !entry.contains("seconds") || !entry["seconds"].is_number()) continue;
    const double seconds = entry["seconds"].get<double>();
    if (seconds < 0) continue;
    history.entries_[id] = {seconds, entry.value("last_outcome", "")};
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

void DurationHistory::record(const std::string& id, double seconds, std::string outcome) {
  entries_[id] = {seconds, std::move(outcome)};
}

Result<void> DurationHistory::save(const std::string& path) const {
  nlohmann::json tests = nlohmann::json::object();
  for (const auto& [id, entry] : entries_) {
    tests[id] = {{"seconds", entry.seconds}, {"last_outcome", entry.last_outcome}};
  }
  const nlohmann::json doc = {{"format", kFormat}, {"version", kVersion}, {"tests", tests}};
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return fail("cannot create " + parent.string() + ": " + ec.message());
  }
  return write_file_atomically(
      path, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::string history_id(const TestIdentity& test) {
  return std::filesystem::path(test.binary).filename().string() + "::" + test.full_name();
}

void HistoryRecorder::on_task_finished(const TaskFinished& event) {
  const OutcomeKind kind = event.result->outcome.kind;
  if (!event.spec->test || event.attempts == 0 || kind == OutcomeKind::cancelled ||
      kind == OutcomeKind::failed_to_start) {
    return;
  }
  history_.record(history_id(*event.spec->test),
                  std::chrono::duration<double>(event.result->duration).count(),
                  std::string(to_string(kind)));
}

void HistoryRecorder::on_run_finished(const RunFinished&) {
  if (auto saved = history_.save(path_); !saved) error_ = saved.error();
}

}  // namespace procpool::plan
