#include "procpool/runner/report/results_dir_reporter.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>

#include "procpool/runner/core/atomic_file.hpp"

namespace procpool::report {
namespace {

Result<void> write_capture(const std::string& path, const Capture& capture) {
  AtomicFile file(path);
  capture.for_each_chunk([&](std::string_view chunk) { file.write(chunk); });
  return file.commit();
}

}  // namespace

void ResultsDirReporter::on_task_finished(const TaskFinished& event) {
  if (event.attempts == 0) return;
  const std::string task_dir = dir_ + "/" + std::to_string(event.index + 1);
  if (::mkdir(task_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    record_error(fail("cannot create " + task_dir + ": " + std::strerror(errno)));
    return;
  }
  record_error(write_capture(task_dir + "/stdout", *event.result->out));
  record_error(write_capture(task_dir + "/stderr", *event.result->err));
  record_error(write_file_atomically(task_dir + "/cmd", event.spec->name + "\n"));
}

}  // namespace procpool::report
