#include "procpool/runner/core/wall_time.hpp"

#include <cstdio>
#include <ctime>

namespace procpool {

double epoch_seconds(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

std::string iso8601_utc(WallTime time) {
  const auto since_epoch = time.time_since_epoch();
  const auto whole = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - whole);
  // The calendar of <chrono>, not gmtime_r: the same on every platform.
  const auto day = std::chrono::floor<std::chrono::days>(whole);
  const std::chrono::year_month_day date{std::chrono::sys_days(day)};
  const std::chrono::hh_mm_ss clock{whole - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()),
                static_cast<int>(millis.count()));
  return text;
}

std::optional<WallTime> parse_iso8601_utc(std::string_view text) {
  const std::string s(text);
  std::tm utc{};
  int millis = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
  if (rest.size() == 5 && rest[0] == '.') {
    for (char c : rest.substr(1, 3)) {
      if (c < '0' || c > '9') return std::nullopt;
      millis = millis * 10 + (c - '0');
    }
    rest = rest.substr(4);
  }
  if (rest != "Z") return std::nullopt;
  // timegm's normalisation, by <chrono>: month 13 is January of the next year, day 31 of a
  // 30-day month the 1st of the next.
  const std::chrono::year_month month =
      std::chrono::year_month(std::chrono::year(utc.tm_year), std::chrono::January) +
      std::chrono::months(utc.tm_mon - 1);
  if (!month.ok()) return std::nullopt;
  const std::chrono::year_month_day first = month / std::chrono::day(1);
  const auto day = std::chrono::sys_days(first) + std::chrono::days(utc.tm_mday - 1);
  const auto time = day + std::chrono::hours(utc.tm_hour) + std::chrono::minutes(utc.tm_min) +
                    std::chrono::seconds(utc.tm_sec);
  return WallTime(std::chrono::duration_cast<WallTime::duration>(time.time_since_epoch())) +
         std::chrono::milliseconds(millis);
}

}  // namespace procpool
