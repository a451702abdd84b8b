// Base for end-to-end tests of procpool gtest: the fixture binaries, a run with a private
// history file and a JSON report, verdicts by name, JUnit schema checks.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace procpool::testing {

inline const std::string kMixed = FIXTURE_MIXED;
inline const std::string kBadEnv = FIXTURE_BAD_ENV;
inline const std::string kCrashList = FIXTURE_CRASH_LIST;
inline const std::string kSkewed = FIXTURE_SKEWED;
inline const std::string kHostile = FIXTURE_HOSTILE;
inline const std::string kBatch = FIXTURE_BATCH;
inline const std::string kHuge = FIXTURE_HUGE;
inline const std::string kSchema = JUNIT_SCHEMA;

class GtestRun : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    marker_env_ = "FIXTURE_MARKER_DIR=" + dir_.path();
  }
  // Runs procpool gtest with a private history file and a JSON report; returns verdicts by name.
  CliResult run(std::vector<std::string> args, CliOptions options = {},
                const std::string& history = "history.json") {
    std::vector<std::string> full{"gtest", "--history", dir_.file(history), "--json",
                                  dir_.file("report.json")};
    full.insert(full.end(), args.begin(), args.end());
    options.env.push_back(marker_env_);
    return run_procpool(full, options);
  }
  nlohmann::json report() { return nlohmann::json::parse(read_file(dir_.file("report.json"))); }
  std::map<std::string, std::string> verdicts() {
    return report_verdicts(dir_.file("report.json"));
  }
  static bool schema_valid(const std::string& xml_path, std::string& message) {
    const std::string command =
        "xmllint --noout --schema '" + kSchema + "' '" + xml_path + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) message += buffer;
    return pipe && ::pclose(pipe) == 0;
  }

  TempDir dir_;
  std::string marker_env_;
};

}  // namespace procpool::testing
