// gtest's console markers (with --gtest_color=no) and reading the test name after one: shared by
// the batch stream and the order-dependence probe.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace procpool::gtest {

inline constexpr std::string_view kRunMarker = "[ RUN      ] ";
inline constexpr std::string_view kOkMarker = "[       OK ] ";
inline constexpr std::string_view kFailedMarker = "[  FAILED  ] ";
inline constexpr std::string_view kSkippedMarker = "[  SKIPPED ] ";

// The test name after `marker` in `line`, if the marker is there. Test names hold no spaces or
// commas: the name ends at " (12 ms)" or ", where GetParam() = ...".
inline std::optional<std::string_view> name_after(std::string_view line, std::string_view marker) {
  const auto at = line.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + marker.size());
  return rest.substr(0, rest.find_first_of(" ,\r\n"));
}

// Makes a gtest command's console readable for the markers above, whatever the user passed:
// plain (--gtest_color=no, last so it wins), and without what would hide lines or times
// (--gtest_brief drops a passing test's RUN and OK lines; --gtest_print_time=0 the times that
// tell gtest's own end line from one a test printed). Flags go from argv, variables from the
// environment the child gets.
inline void keep_console_readable(std::vector<std::string>& argv,
                                  std::vector<std::string>& env_unset) {
  std::erase_if(argv, [](const std::string& arg) {
    return arg.rfind("--gtest_brief", 0) == 0 || arg.rfind("--gtest_print_time", 0) == 0 ||
           arg.rfind("--gtest_color", 0) == 0;
  });
  argv.push_back("--gtest_color=no");
  env_unset.insert(env_unset.end(), {"GTEST_BRIEF", "GTEST_PRINT_TIME"});
}

}  // namespace procpool::gtest
