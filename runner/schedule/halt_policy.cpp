#include "procpool/runner/schedule/halt_policy.hpp"

#include <charconv>

namespace procpool::schedule {

Result<HaltPolicy> HaltPolicy::parse(std::string_view text) {
  HaltPolicy policy;
  if (text == "never") return policy;
  const auto comma = text.find(',');
  const auto equals = text.find('=');
  if (comma == std::string_view::npos || equals == std::string_view::npos || equals < comma) {
    return fail(
        "--halt: expected never, soon,fail=N, now,fail=N (or success=/done=, N or N%), got '" +
        std::string(text) + "'");
  }
  const auto when = text.substr(0, comma);
  const auto trigger = text.substr(comma + 1, equals - comma - 1);
  auto value = text.substr(equals + 1);
  if (when == "soon")
    policy.when = When::soon;
  else if (when == "now")
    policy.when = When::now;
  else {
    return fail("--halt: '" + std::string(when) + "' is not soon or now");
  }
  if (trigger == "fail")
    policy.trigger = Trigger::fail;
  else if (trigger == "success")
    policy.trigger = Trigger::success;
  else if (trigger == "done")
    policy.trigger = Trigger::done;
  else {
    return fail("--halt: '" + std::string(trigger) + "' is not fail, success or done");
  }
  if (!value.empty() && value.back() == '%') {
    policy.percent = true;
    value.remove_suffix(1);
  }
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || number <= 0 ||
      (policy.percent && number > 100)) {
    return fail("--halt: '" + std::string(text.substr(equals + 1)) +
                "' is not a positive count or a percentage up to 100%");
  }
  policy.threshold = number;
  return policy;
}

bool HaltPolicy::triggered(std::size_t failed, std::size_t succeeded, std::size_t total) const {
  if (when == When::never) return false;
  std::size_t count = failed;
  if (trigger == Trigger::success) count = succeeded;
  if (trigger == Trigger::done) count = failed + succeeded;
  if (percent) return total > 0 && 100.0 * static_cast<double>(count) / total >= threshold;
  return static_cast<double>(count) >= threshold;
}

}  // namespace procpool::schedule
