#include "procpool/runner/report/test_names.hpp"

#include <filesystem>

namespace procpool::report {

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

std::string headline(const std::string& message) {
  const std::string first = message.substr(0, message.find('\n'));
  const auto colon = first.rfind(':');
  const bool location = colon != std::string::npos && colon + 1 < first.size() &&
                        first.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  if (!location || first.size() == message.size()) return first;
  const std::string rest = message.substr(first.size() + 1);
  return first + ": " + rest.substr(0, rest.find('\n'));
}

bool gets_log(Verdict verdict) {
  return verdict == Verdict::failed || verdict == Verdict::crashed ||
         verdict == Verdict::timed_out || verdict == Verdict::failed_to_start ||
         verdict == Verdict::flaky;
}

}  // namespace procpool::report
