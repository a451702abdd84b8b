// A reporter that writes a file: remembers the first error so the CLI can name it and fail,
// instead of losing a report silently.
#pragma once

#include <optional>
#include <string>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/wall_time.hpp"

namespace procpool::report {

class FileReporter : public Reporter {
 public:
  const std::string& error() const { return error_; }

 protected:
  void record_error(const Result<void>& written) {
    if (error_.empty() && !written) error_ = written.error();
  }
  // The report directory `path`, opened at first use and held (files go inside it, never
  // through a planted link); null, with the error recorded, when it cannot be opened.
  const Directory* report_directory(const std::string& path);

 private:
  std::string error_;
  std::optional<Directory> directory_;
};

using procpool::epoch_seconds;  // the report layer's time formats live in core/wall_time.hpp
using procpool::iso8601_utc;
using procpool::seconds;

}  // namespace procpool::report
