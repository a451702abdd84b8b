#include "gtest_command.hpp"

#include <unistd.h>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "order_finder.hpp"
#include "procpool/adapters/gtest/gtest_executor.hpp"
#include "procpool/adapters/gtest/listing.hpp"
#include "procpool/adapters/gtest/listing_cache.hpp"
#include "procpool/adapters/gtest/listing_witness.hpp"
#include "procpool/runner/core/jobs.hpp"
#include "procpool/runner/core/temp_dir.hpp"
#include "procpool/runner/process/event_loop.hpp"
#include "reporters.hpp"
#include "stop_signals.hpp"
#include "suggest.hpp"

namespace procpool::cli {
namespace fs = std::filesystem;

namespace {

TaskSpec listing_failure(const gtest::Listing& listing) {
  TaskSpec task;
  const std::string file = fs::path(listing.binary).filename().string();
  task.test = TestIdentity{listing.binary, file, "list_tests"};
  task.name = listing.binary + " --gtest_list_tests";
  const std::string& out = listing.output;
  const std::string tail = out.size() > 4000 ? "..." + out.substr(out.size() - 4000) : out;
  task.preset_failure =
      listing.binary + ": " + listing.tests.error() + (tail.empty() ? "" : "\n" + tail);
  return task;
}

TaskSpec test_task(const std::string& binary, const gtest::ListedTest& test,
                   const GtestOptions& o) {
  TaskSpec task;
  task.test = TestIdentity{binary, test.suite, test.name};
  task.test->file = test.file;
  task.test->line = test.line;
  task.command.argv = {binary, "--gtest_filter=" + task.test->full_name()};
  if (o.also_run_disabled) task.command.argv.push_back("--gtest_also_run_disabled_tests");
  task.command.argv.insert(task.command.argv.end(), o.extra_args.begin(), o.extra_args.end());
  task.name = shell_join(task.command.argv);
  task.batch_group = binary;  // with --batch, a binary's tests may share a process
  task.batch_member = task.test->full_name();
  // Never two tests of one suite at once (they may share fixtures' files).
  if (o.serialize_suites) task.resource_locks.push_back(binary + '\n' + test.suite);
  return task;
}

// How long a batched run from remembered listings waits for its own events to vouch for them
// before a listing process checks them instead: PROCPOOL_LISTING_CHECK_AFTER_MS (0: at once, as
// an unbatched run does; large: only on a doubt or at the run's end).
Result<std::chrono::milliseconds> listing_check_wait_from_environment() {
  constexpr std::chrono::milliseconds kDefault{500};
  const char* text = std::getenv("PROCPOOL_LISTING_CHECK_AFTER_MS");
  if (!text) return kDefault;
  unsigned long long ms = 0;
  const char* end = text + std::strlen(text);
  const auto [at, error] = std::from_chars(text, end, ms);
  if (error != std::errc() || at != end || ms > 86'400'000) {
    return fail(std::string("PROCPOOL_LISTING_CHECK_AFTER_MS: not a whole number of milliseconds "
                            "from 0 to 86400000: '") +
                text + "'");
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace

// What `procpool gtest --help` says above its options, as it prints it.
constexpr const char* kGtestDescription =
    R"(Run GoogleTest binaries test by test, one isolated process per test.
  procpool gtest [OPTIONS] BINARY [BINARY...] [-- EXTRA_GTEST_ARGS...]
Longest tests start first once durations are remembered (--history).)";

CLI::App* add_gtest_command(CLI::App& app, GtestOptions& o) {
  CLI::App* cmd = app.add_subcommand("gtest", kGtestDescription);
  cmd->add_option("binaries", o.binaries, "GoogleTest programs")->required();
  cmd->add_option("--filter", o.filter, "gtest filter, e.g. 'Suite.*:Other.*-Suite.Slow'");
  cmd->add_flag("--also-run-disabled-tests", o.also_run_disabled, "run DISABLED_ tests too");
  cmd->add_flag("--keep-tmp", o.keep_tmp, "keep each test's TEST_TMPDIR");
  add_test_run_options(cmd, o.run);
  // gtest-parallel's spellings, so its users' scripts and habits work unchanged.
  cmd->add_option("-w,--workers", o.run.common.jobs, "gtest-parallel's spelling of --jobs")
      ->check(whole_number(1, 4'294'967'295));
  cmd->add_flag("--print_test_times", o.run.print_test_times,
                "gtest-parallel's spelling of --print-test-times");
  cmd->add_option("--output_dir", o.run.common.reports.log_dir,
                  "gtest-parallel's spelling: logs go to DIR (= --log-dir)");
  cmd->add_flag("--gtest_also_run_disabled_tests", o.also_run_disabled,
                "gtest's spelling of --also-run-disabled-tests");
  cmd->add_flag("--serialize_test_cases", o.serialize_suites,
                "gtest-parallel's: never run two tests of one suite at the same time");
  cmd->add_option("--events", o.events,
                  "where verdicts come from: auto (gtest's own result stream, which a test cannot "
                  "forge, where the program can send it) or console (its console lines, which a "
                  "test can forge: only where procpool may not listen on 127.0.0.1)")
      ->check(CLI::IsMember({"auto", "console"}))
      ->capture_default_str();
  cmd->add_flag("!--no-listing-cache", o.listing_cache,
                "always wait for a fresh listing (by default an unchanged program's tests start "
                "from the listing remembered beside --history, checked while they run)");
  cmd->add_flag("--find-order-dependence", o.find_order_dependence,
                "instead of a run: find tests whose verdict depends on the tests before them "
                "(victims and brittle tests) and the minimal set of tests responsible");

  cmd->footer(
      "Examples:\n"
      "  procpool gtest -j8 build/unit_tests build/integration_tests\n"
      "  procpool gtest --filter 'Net.*-Net.Slow*' --retries 2 --junit junit.xml build/tests\n"
      "  procpool gtest --shard auto --json shard.json build/tests   # one CI matrix job\n"
      "  procpool gtest --batch auto build/tests                     # several tests per process");
  return cmd;
}

Result<void> absorb_selection_flags(GtestOptions& o) {
  std::vector<std::string> kept;
  for (const auto& arg : o.extra_args) {
    if (arg.rfind("--gtest_filter=", 0) == 0) {
      const std::string filter = arg.substr(std::string("--gtest_filter=").size());
      if (!o.filter.empty() && o.filter != filter) {
        return fail("two filters: --filter " + o.filter + " and " + arg +
                    " after --; give one (procpool runs each test with its own filter)");
      }
      o.filter = filter;
    } else if (arg == "--gtest_also_run_disabled_tests" ||
               arg == "--gtest_also_run_disabled_tests=1") {
      o.also_run_disabled = true;
    } else {
      kept.push_back(arg);
    }
  }
  o.extra_args = std::move(kept);
  return {};
}

int run_gtest_command(const GtestOptions& options) {
  GtestOptions o = options;
  if (auto absorbed = absorb_selection_flags(o); !absorbed) {
    std::fprintf(stderr, "procpool gtest: %s\n", absorbed.error().c_str());
    return exit_usage;
  }
  const auto listing_check_wait = listing_check_wait_from_environment();
  if (!listing_check_wait) {
    std::fprintf(stderr, "procpool gtest: %s\n", listing_check_wait.error().c_str());
    return exit_usage;
  }
  if (o.find_order_dependence && !o.run.common.reports.json.empty()) {
    // The finder runs for minutes: a report it could not write must be refused now, not after.
    if (auto writable = check_report_path(o.run.common.reports.json); !writable) {
      std::fprintf(stderr, "procpool gtest: %s\n", writable.error().c_str());
      return exit_usage;
    }
  }
  auto temp = make_temp_directory("procpool-gtest");
  if (!temp) {
    std::fprintf(stderr, "procpool gtest: %s\n", temp.failure().text().c_str());
    return exit_usage;
  }
  const std::string temp_root = *temp;

  gtest::ListOptions list_options;
  list_options.filter = o.filter;
  list_options.extra_args = o.extra_args;
  list_options.jobs = effective_jobs(o.run.common.jobs);
  list_options.json_dir = temp_root + "/listings";
  list_options.stream = o.events != "console";
  {
    std::error_code ec;
    fs::create_directories(list_options.json_dir, ec);
  }
  // What each test recorded: only the reports that keep it pay for it.
  const ReportOptions& reports = o.run.common.reports;
  const bool detailed_reports = !reports.junit.empty() || !reports.json.empty();
  const bool use_cache = o.listing_cache && !o.find_order_dependence;
  gtest::ListingCache cache =
      use_cache ? gtest::ListingCache::load(gtest::ListingCache::path_for_history(o.run.history))
                : gtest::ListingCache{};
  std::vector<std::optional<std::string>> keys;
  for (const auto& binary : o.binaries) {
    keys.push_back(use_cache ? gtest::listing_key(binary, list_options) : std::nullopt);
  }
  // Remembers the listings that can be trusted again (complete, and from programs that stream)
  // and forgets the others. Only called when the cache is in use.
  auto remember = [&](const std::vector<gtest::Listing>& listings) {
    for (std::size_t i = 0; i < listings.size(); ++i) {
      if (!keys[i]) continue;
      if (listings[i].tests && listings[i].events == gtest::EventSource::stream) {
        cache.put(*keys[i], *listings[i].tests);
      } else {
        cache.erase(*keys[i]);
      }
    }
    (void)cache.save();  // only a cache: a run that cannot keep it lists again
  };

  std::vector<gtest::Listing> listings;
  bool remembered = use_cache;
  for (std::size_t i = 0; remembered && i < o.binaries.size(); ++i) {
    auto tests = keys[i] ? cache.find(*keys[i]) : std::nullopt;
    if (!tests) {
      remembered = false;
      break;
    }
    gtest::Listing listing;
    listing.binary = o.binaries[i];
    listing.tests = std::move(*tests);
    listings.push_back(std::move(listing));
  }
  if (!remembered) {
    process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
    boost::asio::io_context& io = loop.io();
    gtest::TestLister lister(io, list_options);
    const SteadyTime listing_began = std::chrono::steady_clock::now();
    lister.start(o.binaries);
    // Ctrl-C while listing stops the listers; the run then starts cancelled and writes its
    // (empty) reports, as any interrupted run does.
    run_phase(
        io, [&] { return lister.done(); }, [&] { lister.stop(); });
    o.run.common.reports.trace_before.push_back(
        {"listing " + std::to_string(o.binaries.size()) + " program(s)", listing_began,
         std::chrono::steady_clock::now()});
    listings = lister.take();
    if (use_cache) remember(listings);
  }

  if (o.find_order_dependence) {
    const int code = find_order_dependence(
        listings, OrderFinderOptions{o.extra_args, o.filter, temp_root, o.run.common.timeout_s,
                                     o.run.common.reports.json, o.also_run_disabled});
    std::error_code ignored;
    fs::remove_all(temp_root, ignored);
    return code;
  }
  auto warn = [](const std::string& message) {
    std::fprintf(stderr, "procpool gtest: warning: %s\n", message.c_str());
  };
  std::set<std::string> console_programs;
  std::vector<TaskSpec> broken, tests;
  auto make_tasks = [&] {
    console_programs.clear();
    broken.clear();
    tests.clear();
    std::size_t listed = 0;
    for (const auto& listing : listings) listed += listing.tests ? listing.tests->size() : 0;
    tests.reserve(listed);  // a TaskSpec is large: no regrowth moving a suite's worth of them
    for (const auto& listing : listings) {
      if (listing.events == gtest::EventSource::console && listing.tests) {
        console_programs.insert(listing.binary);
        if (o.events != "console") {
          const std::string why = listing.stream_error.empty()
                                      ? "does not stream its results (gtest on this platform, or "
                                        "older than 1.6?)"
                                      : "cannot stream its results: " + listing.stream_error;
          warn(listing.binary + " " + why +
               "; its verdicts come from its console, which a test can forge");
        }
      }
      if (!listing.tests) {
        broken.push_back(listing_failure(listing));  // fails in every shard: nothing vanishes
        continue;
      }
      for (const auto& test : *listing.tests) {
        tests.push_back(test_task(listing.binary, test, o));
        if (test.disabled() && !o.also_run_disabled) {
          // Listed and reported as disabled (as CI servers show them), never run or batched.
          tests.back().disabled = true;
          tests.back().batch_group.clear();
        }
      }
      if (listing.tests->empty()) {
        std::fprintf(stderr, "procpool gtest: warning: %s has no tests%s\n", listing.binary.c_str(),
                     o.filter.empty() ? "" : " matching the filter");
      }
    }
  };
  make_tasks();

  // gtest writes a small JSON result per test; on a disk file system creating and deleting it
  // cost each test ~25 % more (measured), so it goes to a tmpfs when there is one. Not for Slurm:
  // a step on another node writes to its own /dev/shm; under the temporary directory (TMPDIR),
  // the results are where TEST_TMPDIR is, which a cluster shares.
  const bool local = o.run.common.executor == "local";
  std::string results_dir =
      local ? make_memory_directory("procpool-results").value_or("") : std::string();
  if (results_dir.empty()) {
    results_dir = temp_root + "/results";
    std::error_code ec;
    fs::create_directories(results_dir, ec);
  }
  // A batched run from remembered listings checks them by its own events (see the check below):
  // on this machine only, since the first batch's flag file is a local path (a program on a
  // Slurm node without it would abort) and a step costs far more than a listing anyway.
  std::optional<gtest::ListingWitness> witness;
  if (remembered && !o.run.batch.empty() && local) {
    witness.emplace(listings, o.filter);
  }
  gtest::ListingWitness* witness_in_use = witness ? &*witness : nullptr;
  const ExecutorWrapper executor = [&](boost::asio::io_context& io, schedule::Executor& processes) {
    gtest::GtestExecutorOptions options;
    options.temp_root = temp_root;
    options.results_dir = results_dir;
    options.keep_tmp = o.keep_tmp;
    options.record_properties = detailed_reports;
    options.console_programs = console_programs;
    options.warn = warn;
    options.witness = witness_in_use;
    const StreamEndpoint stream = stream_endpoint(o.run.common);
    options.stream_address = stream.listen;
    options.stream_host = stream.host;
    return std::make_unique<gtest::GtestExecutor>(io, processes, std::move(options));
  };
  // From remembered listings, the tests start at once, and the listing is checked while they
  // run; when it turns out wrong (a program that lists differently without changing: tests
  // registered from a file or a variable), that run is abandoned unreported and the tests run
  // from a fresh listing. Batched, the run's own events check it (listing_witness.hpp) and a
  // fresh listing is only made on a doubt, or once the run has gone on for `evidence_wait` (the
  // console is held until the check says yes, and a long run's should not wait for its end).
  // Otherwise a fresh listing checks it at once.
  const std::chrono::milliseconds evidence_wait = *listing_check_wait;
  RunCheck check;
  std::shared_ptr<gtest::TestLister> checker;
  bool check_stopped = false;
  if (remembered) {
    check = [&](boost::asio::io_context& io, std::function<void(bool)> confirmed) {
      // Owned by the handle, which the run drops before its event loop: the witness, which
      // outlives the loop, holds only list_now, and so only a weak reference.
      auto wait = std::make_shared<boost::asio::steady_timer>(io);
      auto list_now = [&, confirmed, weak_wait = std::weak_ptr(wait)] {
        if (auto timer = weak_wait.lock()) timer->cancel();
        if (checker || check_stopped) return;
        gtest::ListOptions check_options = list_options;
        check_options.background = true;
        checker = std::make_shared<gtest::TestLister>(io, check_options);
        checker->on_done([&, confirmed] {
          if (check_stopped) return;  // the run was cancelled: its reports stand
          std::vector<gtest::Listing> fresh = checker->take();
          bool same = fresh.size() == listings.size();
          for (std::size_t i = 0; same && i < fresh.size(); ++i) {
            same = fresh[i].tests && fresh[i].events == gtest::EventSource::stream &&
                   gtest::same_tests(*fresh[i].tests, *listings[i].tests);
          }
          if (!same) {
            remember(fresh);
            listings = std::move(fresh);
          }
          confirmed(same);
        });
        // Once the first tests have started (the scheduler starts them before the loop runs):
        // the check's process start must not come before theirs.
        boost::asio::post(io, [&] {
          if (!check_stopped) checker->start(o.binaries);
        });
      };
      RunCheckHandle handle;
      handle.stop = [&, wait] {
        check_stopped = true;
        wait->cancel();
        if (checker) checker->stop();
      };
      if (!witness_in_use) {
        list_now();
        return handle;
      }
      witness_in_use->on_doubt = list_now;
      wait->expires_after(evidence_wait);
      wait->async_wait([list_now](boost::system::error_code ec) {
        if (!ec) list_now();
      });
      handle.run_ended = [&, confirmed, list_now, wait] {
        if (checker) return;  // a listing was asked for: it decides
        if (!witness_in_use->vouched()) {
          list_now();
          return;
        }
        wait->cancel();
        confirmed(true);
      };
      return handle;
    };
  }
  bool abandoned = false;
  // An abandoned run's tasks are made again from the fresh listing (make_tasks).
  int code = run_tests("procpool gtest", o.run, std::move(broken), std::move(tests), executor,
                       nullptr, std::move(check), &abandoned);
  if (abandoned) {
    witness_in_use = nullptr;  // the fresh listing is the one the next run has
    warn(
        "the remembered listing was out of date (the tests a program lists changed without "
        "the program changing); running from a fresh listing");
    make_tasks();
    code = run_tests("procpool gtest", o.run, std::move(broken), std::move(tests), executor);
  }
  std::error_code ignored;
  fs::remove_all(results_dir, ignored);
  if (o.keep_tmp) {
    std::fprintf(stderr, "procpool gtest: test temporary directories kept in %s\n",
                 temp_root.c_str());
  } else {
    fs::remove_all(temp_root, ignored);
  }
  return code;
}

}  // namespace procpool::cli
