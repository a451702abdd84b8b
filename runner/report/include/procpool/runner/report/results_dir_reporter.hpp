// --results DIR in GNU parallel's layout: each task that ran gets
// DIR/1/<first argument>/2/<second argument>/.../{stdout,stderr,seq} (seq: its sequence number,
// as in the joblog), written atomically as the task finishes. A symbolic link planted anywhere on
// that path is refused, never written through.
#pragma once

#include <optional>
#include <string>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

// One argument as a directory name, escaped as GNU parallel escapes it ('\' -> "\\", '/' -> "\_",
// tab -> "\t") and cut to `max_length` bytes as it cuts a name too long for the file system;
// "", "." and ".." get a leading '\' so they stay inside their directory.
std::string results_dir_name(const std::string& value, std::size_t max_length);

class ResultsDirReporter final : public FileReporter {
 public:
  explicit ResultsDirReporter(std::string dir) : dir_(std::move(dir)) {}
  void on_task_finished(const TaskFinished& event) override;

 private:
  std::size_t name_max();  // of DIR's file system, asked once

  std::string dir_;
  std::optional<std::size_t> name_max_;
};

}  // namespace procpool::report
