#include "procpool/runner/core/events.hpp"

namespace procpool {

AttemptResult result_without_process(Outcome outcome, std::string_view output) {
  AttemptResult result;
  result.outcome = std::move(outcome);
  if (!output.empty()) {
    auto out = std::make_shared<Capture>();
    out->append(output);
    result.out = std::move(out);
  }
  result.started_at = std::chrono::system_clock::now();
  return result;
}

}  // namespace procpool
