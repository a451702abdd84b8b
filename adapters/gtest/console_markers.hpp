// gtest's console markers (with --gtest_color=no) and reading the test name after one: shared by
// the batch stream and the order-dependence probe.
#pragma once

#include <optional>
#include <string_view>

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

}  // namespace procpool::gtest
