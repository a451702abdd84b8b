#include "procpool/runner/report/results_dir_reporter.hpp"

#include "procpool/runner/core/atomic_file.hpp"

namespace procpool::report {
namespace {

Result<void> write_capture(const Directory& dir, const std::string& name, const Capture& capture) {
  AtomicFile file(dir, name);
  capture.for_each_chunk([&](std::string_view chunk) { file.write(chunk); });
  return file.commit();
}

}  // namespace

void ResultsDirReporter::on_task_finished(const TaskFinished& event) {
  if (event.attempts == 0) return;
  const Directory* root = report_directory(dir_);
  if (!root) return;
  // DIR/<seq> is made and entered here; a link planted in its place is refused, not followed.
  auto task_dir = root->subdirectory(std::to_string(event.index + 1));
  if (!task_dir) {
    record_error(task_dir.failure());
    return;
  }
  record_error(write_capture(*task_dir, "stdout", *event.result->out));
  record_error(write_capture(*task_dir, "stderr", *event.result->err));
  record_error(task_dir->write_file("cmd", event.spec->name + "\n"));
}

}  // namespace procpool::report
