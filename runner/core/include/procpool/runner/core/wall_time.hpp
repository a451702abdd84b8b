// Wall-clock times as reports and the history write them, and read them back (`procpool merge`
// rebuilds a run from its reports).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace procpool {

using WallTime = std::chrono::system_clock::time_point;

// Seconds since the epoch, with fractions: what GNU parallel's joblog and our JSON carry.
double epoch_seconds(WallTime time);
// "2026-11-26T19:30:28.123Z": fixed width, so two of them compare as text.
std::string iso8601_utc(WallTime time);
// The inverse of iso8601_utc (milliseconds optional); nullopt for anything else.
std::optional<WallTime> parse_iso8601_utc(std::string_view text);
double seconds(std::chrono::nanoseconds duration);

}  // namespace procpool
