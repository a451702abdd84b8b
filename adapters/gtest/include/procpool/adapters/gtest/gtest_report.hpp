// gtest's JSON report of one process (--gtest_output=json:FILE): whether a test that did not pass
// failed or skipped itself (gtest's result stream does not say), the failures' messages, and the
// values tests recorded with RecordProperty. Read only from a process that ended well: a report
// is a file a test could also write.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/outcome.hpp"

namespace procpool::gtest {

// gtest's JSON report of a whole process, parsed once: what it says of each test it ran.
class GtestReport {
 public:
  // Nothing when the text is not a gtest JSON report.
  static std::optional<GtestReport> parse(const std::string& json);
  // passed, failed (with the failure messages) or skipped; nothing when the test is not in it.
  std::optional<Outcome> verdict(const std::string& full_name) const;
  // What the test recorded with RecordProperty (of_suite: its suite's SetUpTestSuite did), in
  // name order (the suite's first); empty when it recorded nothing or is not in it.
  std::vector<RecordedProperty> properties(const std::string& full_name) const;

 private:
  std::unordered_map<std::string, Outcome> by_name_;
  std::unordered_map<std::string, std::vector<RecordedProperty>> properties_;
};

}  // namespace procpool::gtest
