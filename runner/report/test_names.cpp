#include "procpool/report/test_names.hpp"

#include <filesystem>

namespace procpool {

std::string display_name(const TaskSpec& spec) {
  return spec.test ? spec.test->full_name() : spec.name;
}

std::string test_log_path(const std::string& dir, const TaskSpec& spec) {
  if (dir.empty() || !spec.test) return {};
  std::string file = spec.test->full_name();
  for (char& c : file) {
    if (c == '/') c = '_';
  }
  return dir + "/" + std::filesystem::path(spec.test->binary).filename().string() + "/" + file +
         ".log";
}

std::string verdict_of(const TaskFinished& event) {
  const Outcome& outcome = event.result->outcome;
  if (event.flaky) return "flaky";
  switch (outcome.kind) {
    case OutcomeKind::signalled:
      return "crashed";
    case OutcomeKind::skipped:
      return event.attempts == 0 ? "not_run" : "skipped";
    default:
      return std::string(to_string(outcome.kind));
  }
}

}  // namespace procpool
