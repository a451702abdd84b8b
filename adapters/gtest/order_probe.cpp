#include "procpool/adapters/gtest/order_probe.hpp"

#include <boost/asio/io_context.hpp>

#include "console_markers.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::gtest {

ProbeRounds parse_probe_output(std::string_view out) {
  ProbeRounds result;
  result.rounds.emplace_back();
  std::string running;
  bool first_round_header = true;
  while (!out.empty()) {
    const auto end = out.find('\n');
    const std::string_view line = out.substr(0, end);
    out = end == std::string_view::npos ? std::string_view() : out.substr(end + 1);
    if (line.rfind("Repeating all tests (iteration", 0) == 0) {
      if (!first_round_header) result.rounds.emplace_back();
      first_round_header = false;
      running.clear();
      continue;
    }
    if (line.rfind(kRunMarker, 0) == 0) {
      running = std::string(*name_after(line, kRunMarker));
      continue;
    }
    if (running.empty() || line.find(" ms)") == std::string_view::npos) continue;
    for (auto [marker, passed] : {std::pair{kOkMarker, true}, std::pair{kSkippedMarker, true},
                                  std::pair{kFailedMarker, false}}) {
      if (line.rfind(marker, 0) == 0 && *name_after(line, marker) == running) {
        result.rounds.back()[running] = passed;
        running.clear();
        break;
      }
    }
  }
  if (!running.empty()) {  // crashed, exited or hung
    result.rounds.back()[running] = false;
    result.died = running;
  }
  return result;
}

Probe make_process_probe(ProbeOptions options) {
  return [options](const std::vector<std::string>& tests, unsigned repeat) {
    std::string filter = "--gtest_filter=";
    for (std::size_t i = 0; i < tests.size(); ++i) filter += (i ? ":" : "") + tests[i];
    process::SpawnRequest request;
    request.argv = {options.binary, filter, "--gtest_repeat=" + std::to_string(repeat)};
    request.argv.insert(request.argv.end(), options.extra_args.begin(), options.extra_args.end());
    request.env = {{"TEST_TMPDIR", options.temp_dir}};
    request.env_unset = {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE",
                         "GTEST_OUTPUT"};
    keep_console_readable(request.argv, request.env_unset);
    process::ChildOptions child_options;
    child_options.timeout = options.timeout;
    child_options.stop = StopPolicy::graceful(std::chrono::seconds(1));
    if (*options.stopped) return ProbeRounds{};
    boost::asio::io_context io(1);
    AttemptResult ended;
    bool finished = false;
    auto child = process::Child::start(io, request, child_options, [&](AttemptResult result) {
      ended = std::move(result);
      finished = true;
    });
    auto stop = [&] {
      *options.stopped = true;
      child->stop(StopPolicy::immediate(), OutcomeKind::cancelled);
    };
    if (options.run_loop) {
      options.run_loop(
          io, [&] { return finished; }, stop);
    }
    while (!finished && io.run_one() > 0) {
    }
    return parse_probe_output(ended.out->str());
  };
}

}  // namespace procpool::gtest
