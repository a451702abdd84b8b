#include "procpool/runner/report/file_reporter.hpp"

#include <cstdio>
#include <ctime>

namespace procpool::report {

const Directory* FileReporter::report_directory(const std::string& path) {
  if (!directory_) {
    auto opened = Directory::open(path);
    if (!opened) {
      record_error(opened.failure());
      return nullptr;
    }
    directory_.emplace(std::move(*opened));
  }
  return &*directory_;
}

double epoch_seconds(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

std::string iso8601_utc(WallTime time) {
  const auto since_epoch = time.time_since_epoch();
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - whole);
  const std::time_t t = whole.count();
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return text;
}

}  // namespace procpool::report
