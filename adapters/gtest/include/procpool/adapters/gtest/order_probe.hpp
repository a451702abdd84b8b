// The finder's probe on a real program: one process with --gtest_filter naming the tests and
// --gtest_repeat, followed and judged as every gtest process is (gtest_process.hpp): a test's
// result in a round counts only where its process vouches for it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/gtest/judge.hpp"
#include "procpool/adapters/gtest/order_dependence.hpp"

namespace procpool::gtest {

struct ProbeOptions {
  std::string binary;
  std::vector<std::string> extra_args;
  // The program's tests the finder works on, and the filter that selected them ("": all). A
  // probe of several tests runs the program as that filter selects it, minus the tests left out
  // (`FILTER-left:out`), not as a list of names: some programs look at their own filter (one of
  // googletest's suites checks in its set-up that a whole suite is selected).
  std::vector<std::string> program_tests;
  std::string filter;
  std::string temp_dir;                      // TEST_TMPDIR, and gtest's reports
  std::chrono::milliseconds timeout{60000};  // per test (and per set-up or tear-down)
  EventSource source = EventSource::stream;  // the console for a program that cannot stream
  // Runs the probe's loop until `finished()`, calling `stop` on a stopping signal (the CLI's
  // run_phase). Default: run it to the end.
  std::function<void(boost::asio::io_context& io, const std::function<bool()>& finished,
                     const std::function<void()>& stop)>
      run_loop;
  // Set once a probe was stopped: the finder gives up.
  std::shared_ptr<bool> stopped = std::make_shared<bool>(false);
};

Probe make_process_probe(ProbeOptions options);

}  // namespace procpool::gtest
