// The finder's probe on a real binary: one process with --gtest_filter naming the tests and
// --gtest_repeat, its console stream read round by round.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/gtest/order_dependence.hpp"

namespace procpool::gtest {

struct ProbeOptions {
  std::string binary;
  std::vector<std::string> extra_args;
  std::string temp_dir;                      // TEST_TMPDIR
  std::chrono::milliseconds timeout{60000};  // per process
  // Runs the probe's loop until `finished()`, calling `stop` on a stopping signal (the CLI's
  // run_phase). Default: run it to the end.
  std::function<void(boost::asio::io_context& io, const std::function<bool()>& finished,
                     const std::function<void()>& stop)>
      run_loop;
  // Set once a probe was stopped: the finder gives up.
  std::shared_ptr<bool> stopped = std::make_shared<bool>(false);
};

Probe make_process_probe(ProbeOptions options);

// Reads gtest's console output (--gtest_color=no): a round begins at "Repeating all tests" (or
// at the start); a test passed in a round when its own end line said OK or SKIPPED; it failed
// when it said FAILED, or when it started and the process ended before its end line.
ProbeRounds parse_probe_output(std::string_view out);

}  // namespace procpool::gtest
