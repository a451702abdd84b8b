// How reports name tests and their files, shared so the JSON's log paths match --log-dir's.
#pragma once

#include <string>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/verdict.hpp"

namespace procpool::report {

// "Suite.Name" for a test, the task's own name otherwise.
std::string display_name(const TaskSpec& spec);
// Where --log-dir keeps a test's log: <binary file name>/<Suite.Name with '/' as '_'>.log. A
// name too long for the file system (over 200 bytes) is cut and made unique with a hash of the
// whole name, so a ten-thousand-character parameterised name still gets its log.
struct LogLocation {
  std::string directory;  // within DIR
  std::string file;       // within that
};
LogLocation test_log_location(const TaskSpec& spec);
// DIR/<directory>/<file>, or "" for a task that is no test (or no DIR).
std::string test_log_path(const std::string& dir, const TaskSpec& spec);
// One line for a failure message: gtest's "file:line" line joined with the line after it
// ("a.cpp:12: Expected equality of these values:"); otherwise the first line.
std::string headline(const std::string& message);
// Whether --log-dir keeps a log for a task with this verdict (failures of every kind, and flaky
// tests for their failed attempts); the JSON report points at the same logs.
bool gets_log(Verdict verdict);

}  // namespace procpool::report
