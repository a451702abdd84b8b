// --junit FILE: JUnit XML that validates against the Jenkins xUnit schema (junit-10.xsd).
// One <testsuite> per binary and suite, <testcase classname="Suite" name="Test">, <failure> for
// assertion failures, <error> for crashes, timeouts and programs that could not run, <skipped>,
// the failed test's output in <system-out>, and each failed attempt of a flaky test as
// <flakyFailure> (Maven Surefire's rerun elements). Correct even when a test crashed.
//
// What the schema has no place for on a <testcase> (it allows only name, classname, time and
// group) goes into its suite's <properties>, named after the case: "<name>.file" and
// "<name>.line" (where the test is defined), "<name>.labels" (CTest), and "<name>.<key>" for
// each value the test recorded (gtest's RecordProperty; a SetUpTestSuite's values keep their own
// name). The suite's `file` attribute names the file when all its tests are in one. This is how
// JUnit consumers read it (python3-junitparser has properties only on suites, as the schema).
//
// --junit-family xunit1 (pytest's name for it) also puts `file` and `line` on each <testcase>,
// where GitLab's test reports and GitHub reporters such as action-junit-report look for them;
// junit-10.xsd has no place for them, so xunit2, the default, leaves them out.
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

// How CTest tests are gathered into suites (--junit-group): by their directory in the build
// tree, or by their LABELS (a suite per set of labels, "a;b", as the project wrote them).
enum class JunitGroup { directory, label };
// "label" or "directory" (anything else), as --junit-group spells them.
inline JunitGroup junit_group_named(const std::string& name) {
  return name == "label" ? JunitGroup::label : JunitGroup::directory;
}

// --junit-family: xunit2 validates against junit-10.xsd; xunit1 adds file and line to cases.
enum class JunitFamily { xunit2, xunit1 };
// "xunit1" or "xunit2" (anything else), as --junit-family spells them.
inline JunitFamily junit_family_named(const std::string& name) {
  return name == "xunit1" ? JunitFamily::xunit1 : JunitFamily::xunit2;
}

class JunitReporter final : public FileReporter {
 public:
  explicit JunitReporter(std::string path, JunitOutput output = JunitOutput::failed,
                         JunitGroup group = JunitGroup::directory,
                         JunitFamily family = JunitFamily::xunit2)
      : path_(std::move(path)), output_(output), group_(group), family_(family) {}
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
    std::string group;  // a CTest test's directory in the build tree or labels ("" elsewhere)
    Outcome outcome;
    double seconds = 0;
    WallTime started{};
    unsigned attempts = 0;
    bool flaky = false;
    std::string out, err;
    std::vector<FailedAttempt> failed_attempts;
    std::vector<RecordedProperty> properties;
  };

  static std::string suite_key(const Case& c);
  // "binary.Suite" for a GoogleTest case (unique across binaries, as CI servers need), the
  // directory for a CTest test, "procpool" for a plain task.
  static std::string classname(const Case& c);

  std::string path_;
  JunitOutput output_;
  JunitGroup group_;
  JunitFamily family_;
  std::vector<Case> cases_;
  std::map<std::size_t, std::vector<FailedAttempt>> retried_;  // by task index
};

}  // namespace procpool::report
