#include "procpool/runner/report/results_dir_reporter.hpp"

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/file_names.hpp"

namespace procpool::report {
namespace {

Result<void> write_capture(const Directory& dir, const std::string& name, const Capture& capture) {
  AtomicFile file(dir, name);
  capture.for_each_chunk([&](std::string_view chunk) { file.write(chunk); });
  return file.commit();
}

}  // namespace

std::string results_dir_name(const std::string& value, std::size_t max_length) {
  // GNU parallel's escapes: '\' -> "\\", '/' -> "\_", tab -> "\t". It writes "", "." and ".." as
  // they are, i.e. into the directory above (".." even outside DIR); here they stay names of
  // their own.
  if (value.empty() || value == "." || value == "..") return "\\" + value;
  std::string name;
  for (char c : value) {
    if (c == '\\') {
      name += "\\\\";
    } else if (c == '/') {
      name += "\\_";
    } else if (c == '\t') {
      name += "\\t";
    } else {
      name += c;
    }
  }
  // Too long for a file name: cut to the longest the file system takes, in bytes (GNU
  // parallel's substr, which may split a UTF-8 letter: its names are bytes, as Linux's are).
  if (name.size() > max_length) name.resize(max_length);
  return name;
}

std::size_t ResultsDirReporter::name_max() {
  if (!name_max_) {
    name_max_ = max_file_name_length(dir_);
  }
  return *name_max_;
}

void ResultsDirReporter::on_task_finished(const TaskFinished& event) {
  if (event.attempts == 0) return;
  const Directory* root = report_directory(dir_);
  if (!root) return;
  // GNU parallel's layout: DIR/1/<first argument>/2/<second>/.../{seq,stdout,stderr}. Each
  // directory is made and entered here; a link planted in its place is refused, not followed.
  const TaskSpec& spec = *event.spec;
  const std::size_t seq = spec.seq != 0 ? spec.seq : event.index + 1;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < spec.args.size(); ++i) {
    names.push_back(std::to_string(i + 1));
    names.push_back(results_dir_name(spec.args[i], name_max()));
  }
  if (names.empty()) names = {"1", "\\0noarg"};  // -N0, as GNU parallel names it
  auto task_dir = root->subdirectory(names.front());
  for (std::size_t i = 1; task_dir && i < names.size(); ++i) {
    auto next = task_dir->subdirectory(names[i]);
    task_dir = std::move(next);
  }
  if (!task_dir) {
    record_error(task_dir.failure());
    return;
  }
  record_error(write_capture(*task_dir, "stdout", *event.result->out));
  record_error(write_capture(*task_dir, "stderr", *event.result->err));
  record_error(task_dir->write_file("seq", std::to_string(seq)));
}

}  // namespace procpool::report
