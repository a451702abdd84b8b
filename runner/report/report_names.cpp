#include "procpool/runner/report/report_names.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace procpool::report {

std::string display_name(const TaskSpec& spec) {
  return spec.test ? spec.test->full_name() : spec.name;
}

namespace {

// A file name no longer than 200 bytes (file systems allow 255): a longer one keeps its start
// and gets a hash of the whole, so distinct names stay distinct.
std::string fitting_name(std::string name, const std::string& suffix) {
  constexpr std::size_t kMax = 200;
  if (name.size() + suffix.size() > kMax) {
    std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
    for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    name = name.substr(0, kMax - suffix.size() - 17) + "-" + hex;
  }
  return name + suffix;
}

}  // namespace

LogLocation test_log_location(const TaskSpec& spec) {
  if (!spec.test) return {};
  std::string file = spec.test->full_name();
  for (char& c : file) {
    if (c == '/') c = '_';
  }
  return {fitting_name(std::filesystem::path(spec.test->binary).filename().string(), ""),
          fitting_name(file, ".log")};
}

std::string test_log_path(const std::string& dir, const TaskSpec& spec) {
  if (dir.empty() || !spec.test) return {};
  const LogLocation where = test_log_location(spec);
  return dir + "/" + where.directory + "/" + where.file;
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
         verdict == Verdict::flaky || verdict == Verdict::order_dependent ||
         verdict == Verdict::aborted;
}

}  // namespace procpool::report
