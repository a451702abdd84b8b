// --junit FILE: JUnit XML that validates against the Jenkins xUnit schema (junit-10.xsd).
// One <testsuite> per binary and suite, <testcase classname="Suite" name="Test">, <failure> for
// assertion failures, <error> for crashes, timeouts and programs that could not run, <skipped>,
// the failed test's output in <system-out>, and each failed attempt of a flaky test as
// <flakyFailure> (Maven Surefire's rerun elements). Correct even when a test crashed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "procpool/runner/report/file_reporter.hpp"

namespace procpool::report {

// Which tests' output goes into <system-out>/<system-err> (--junit-output).
enum class JunitOutput { all, failed, none };

class JunitReporter final : public FileReporter {
 public:
  explicit JunitReporter(std::string path, JunitOutput output = JunitOutput::failed)
      : path_(std::move(path)), output_(output) {}
  void on_task_retried(const TaskRetried& event) override;
  void on_task_finished(const TaskFinished& event) override;
  void on_run_finished(const RunFinished& event) override;

  // XML 1.0 allows neither most control characters nor invalid UTF-8: replace them.
  static std::string xml_safe(std::string_view text);

 private:
  struct FailedAttempt {
    Outcome outcome;
    std::string output;
  };
  struct Case {
    std::string name;  // copied: event specs are valid only during the event
    std::optional<TestIdentity> test;
    std::string group;  // a CTest test's directory in the build tree ("" elsewhere)
    Outcome outcome;
    double seconds = 0;
    WallTime started{};
    unsigned attempts = 0;
    bool flaky = false;
    std::string out, err;
    std::vector<FailedAttempt> failed_attempts;
  };

  static std::string suite_key(const Case& c);
  // "binary.Suite" for a GoogleTest case (unique across binaries, as CI servers need), the
  // directory for a CTest test, "procpool" for a plain task.
  static std::string classname(const Case& c);

  std::string path_;
  JunitOutput output_;
  std::vector<Case> cases_;
  std::map<std::size_t, std::vector<FailedAttempt>> retried_;  // by task index
};

}  // namespace procpool::report
