#include "order_finder.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common_options.hpp"
#include "exit_codes.hpp"
#include "procpool/adapters/gtest/order_probe.hpp"
#include "procpool/runner/core/atomic_file.hpp"
#include "stop_signals.hpp"

namespace procpool::cli {

int find_order_dependence(const std::vector<gtest::Listing>& listings,
                          const OrderFinderOptions& options) {
  nlohmann::json found = nlohmann::json::array();
  auto stopped = std::make_shared<bool>(false);
  bool broken = false;
  std::size_t count = 0;
  for (const auto& listing : listings) {
    if (!listing.tests) {
      std::fprintf(stderr, "procpool gtest: %s: %s\n", listing.binary.c_str(),
                   listing.tests.error().c_str());
      broken = true;
      continue;
    }
    std::vector<std::string> tests;
    for (const auto& test : *listing.tests) {
      if (!test.disabled() || options.also_run_disabled)
        tests.push_back(test.suite + "." + test.name);
    }
    gtest::ProbeOptions probe_options;
    probe_options.binary = listing.binary;
    probe_options.program_tests = tests;
    probe_options.filter = options.filter;
    probe_options.extra_args = options.extra_args;
    if (options.also_run_disabled) {
      probe_options.extra_args.push_back("--gtest_also_run_disabled_tests");
    }
    probe_options.temp_dir = options.temp_root;
    probe_options.source = listing.events;
    if (options.timeout_s > 0) probe_options.timeout = seconds_to_ms(options.timeout_s);
    probe_options.stopped = stopped;
    probe_options.run_loop = [](boost::asio::io_context& io, const std::function<bool()>& done,
                                const std::function<void()>& stop) { run_phase(io, done, stop); };
    const auto dependences = gtest::find_order_dependence(
        tests, gtest::make_process_probe(probe_options), [&](const std::string& step) {
          std::fprintf(stderr, "procpool gtest: %s: %s\n", listing.binary.c_str(), step.c_str());
        });
    if (*stopped) break;
    for (const auto& d : dependences) {
      std::string by;
      for (const auto& other : d.by) by += (by.empty() ? "" : ", ") + other;
      const bool victim = d.kind == gtest::OrderDependence::Kind::victim;
      std::printf("[ %-7s ] %s: %s %s%s\n", victim ? "VICTIM" : "BRITTLE", d.test.c_str(),
                  victim ? "passes alone, fails after" : "fails alone, passes after", by.c_str(),
                  d.after_all ? " (when those run before it in one process)" : "");
      found.push_back({{"binary", listing.binary},
                       {"test", d.test},
                       {"kind", gtest::to_string(d.kind)},
                       {"by", d.by}});
      ++count;
    }
  }
  if (*stopped) {
    std::fprintf(stderr, "procpool gtest: interrupted: no order-dependence report written\n");
    return exit_interrupted;
  }
  std::printf("[==========] %zu order-dependent test%s found.\n", count, count == 1 ? "" : "s");
  if (!options.json.empty()) {
    AtomicFile file(options.json);
    file.write(nlohmann::json{{"order_dependence", found}}.dump(2) + "\n");
    if (auto committed = file.commit(); !committed) {
      std::fprintf(stderr, "procpool gtest: %s\n", committed.error().c_str());
      return exit_usage;
    }
  }
  if (count > 0 || broken) return exit_task_failed;
  return exit_ok;
}

}  // namespace procpool::cli
