#include "reporters.hpp"

#include <filesystem>

#include "procpool/runner/core/file_names.hpp"
#include "procpool/runner/report/joblog_reporter.hpp"
#include "procpool/runner/report/json_reporter.hpp"
#include "procpool/runner/report/junit_reporter.hpp"
#include "procpool/runner/report/log_dir_reporter.hpp"
#include "procpool/runner/report/results_dir_reporter.hpp"
#include "procpool/runner/report/trace_reporter.hpp"

namespace procpool::cli {
namespace fs = std::filesystem;

Result<void> check_report_path(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    return fail("cannot write " + path + ": " + parent.string() + " is not a directory");
  if (auto why = cannot_create_files_in(parent.string()))
    return fail("cannot write " + path + ": " + *why);
  if (fs::is_directory(path, ec)) return fail("cannot write " + path + ": it is a directory");
  return ok();
}

Result<void> prepare_report_paths(const ReportOptions& o) {
  for (const std::string* path : {&o.json, &o.junit, &o.joblog, &o.trace}) {
    if (path->empty()) continue;
    if (auto checked = check_report_path(*path); !checked) return checked;
  }
  for (const auto& [dir, flag] :
       {std::pair{&o.log_dir, "--log-dir"}, {&o.results_dir, "--results"}}) {
    if (dir->empty()) continue;
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec)
      return fail(std::string("cannot create ") + flag + " directory " + *dir + ": " +
                  ec.message());
  }
  return ok();
}

Reporters build_reporters(const ReportOptions& o, std::unique_ptr<report::LiveConsole> console,
                          std::vector<Reporter*> extra) {
  Reporters reporters;
  report::LiveConsole* live = console.get();
  reporters.session.tick = [live] { live->tick(); };
  reporters.session.all.push_back(live);
  reporters.owned.push_back(std::move(console));
  reporters.session.all.insert(reporters.session.all.end(), extra.begin(), extra.end());
  auto add_file = [&](std::unique_ptr<report::FileReporter> file) {
    reporters.session.all.push_back(file.get());
    reporters.session.files.push_back(file.get());
    reporters.owned.push_back(std::move(file));
  };
  if (!o.junit.empty()) {
    const auto output = o.junit_output == "all"    ? report::JunitOutput::all
                        : o.junit_output == "none" ? report::JunitOutput::none
                                                   : report::JunitOutput::failed;
    add_file(std::make_unique<report::JunitReporter>(o.junit, output,
                                                     report::junit_group_named(o.junit_group),
                                                     report::junit_family_named(o.junit_family)));
  }
  if (!o.json.empty()) add_file(std::make_unique<report::JsonReporter>(o.json, o.log_dir, o.run));
  if (!o.trace.empty()) {
    add_file(std::make_unique<report::TraceReporter>(
        o.trace, report::TraceOptions{"procpool " + o.run.command, o.trace_zero, o.trace_before}));
  }
  if (!o.log_dir.empty()) add_file(std::make_unique<report::LogDirReporter>(o.log_dir));
  if (!o.joblog.empty()) {
    add_file(std::make_unique<report::JoblogReporter>(o.joblog, o.joblog_earlier));
  }
  if (!o.results_dir.empty()) add_file(std::make_unique<report::ResultsDirReporter>(o.results_dir));
  return reporters;
}

}  // namespace procpool::cli
