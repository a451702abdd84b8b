#include "ctest_command.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "executor_choice.hpp"
#include "exit_codes.hpp"
#include "procpool/adapters/ctest/ctest_batching.hpp"
#include "procpool/adapters/ctest/ctest_executor.hpp"
#include "procpool/adapters/ctest/ctest_source.hpp"
#include "procpool/adapters/gtest/gtest_executor.hpp"
#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/core/temp_dir.hpp"
#include "procpool/runner/process/child.hpp"
#include "procpool/runner/process/event_loop.hpp"
#include "procpool/runner/schedule/scheduler.hpp"
#include "stop_signals.hpp"

namespace procpool::cli {

std::string exact_name_regex(const std::string& name) {
  std::string regex = "^";
  for (char c : name) {
    if (std::strchr("^$.[]*+?()|\\", c)) regex += '\\';
    regex += c;
  }
  return regex + "$";
}

Result<void> take_ctest_flags(const CLI::App& command, std::vector<std::string>& args,
                              CtestOptions& o) {
  // ctest's selection flags that take a value, and those that do not, as ctest spells them.
  static const std::set<std::string> selection_with_value{"-R",  "--tests-regex",
                                                          "-E",  "--exclude-regex",
                                                          "-L",  "--label-regex",
                                                          "-LE", "--label-exclude",
                                                          "-C",  "--build-config",
                                                          "-I",  "--tests-information",
                                                          "-FA", "--fixture-exclude-any",
                                                          "-FS", "--fixture-exclude-setup",
                                                          "-FC", "--fixture-exclude-cleanup"};
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return fail(arg + " needs a value (as in ctest)");
      return args[++i];
    };
    const auto eq = arg.find('=');
    const std::string flag = arg.rfind("--", 0) == 0 ? arg.substr(0, eq) : arg;
    if (selection_with_value.count(arg)) {
      auto v = value();
      if (!v) return v.failure();
      o.selection_args.push_back(arg);
      o.selection_args.push_back(*v);
    } else if (flag != arg && selection_with_value.count(flag)) {
      o.selection_args.push_back(arg);  // --tests-regex=X
    } else if (arg == "-N" || flag == "--show-only") {
      o.selection_args.push_back(arg);
    } else if (flag == "--test-dir") {
      auto v = flag == arg ? value() : Result<std::string>(arg.substr(eq + 1));
      if (!v) return v.failure();
      o.build_dir = *v;
    } else if (flag == "--output-junit") {
      auto v = flag == arg ? value() : Result<std::string>(arg.substr(eq + 1));
      if (!v) return v.failure();
      o.ctest_junit = *v;
    } else if (flag == "--parallel") {
      rest.push_back("--jobs");
      if (flag != arg) rest.push_back(arg.substr(eq + 1));
    } else if (arg == "--stop-on-failure") {
      o.run.common.halt = "now,fail=1";
    } else if (arg == "--schedule-random") {
      o.run.schedule_random = true;
    } else if (arg == "--rerun-failed") {
      o.rerun_failed = true;
    } else if (arg == "--output-on-failure") {
      // procpool prints every failed test's output already.
    } else {
      rest.push_back(arg);
      // A value of procpool's own option stays with it, whatever it looks like.
      const CLI::Option* own = command.get_option_no_throw(flag);
      if (own && own->get_type_size() != 0 && flag == arg && i + 1 < args.size()) {
        rest.push_back(args[++i]);
      }
    }
  }
  args = std::move(rest);
  return {};
}

// What `procpool ctest --help` says above its options, as it prints it.
constexpr const char* kCtestDescription =
    R"(Run a CTest suite with procpool's scheduler, history, shards, retries and reports.
  procpool ctest [OPTIONS] [--test-dir DIR] [CTEST_FLAGS...] [-- CTEST_SELECTION_ARGS...]
Tests come from `ctest --show-only=json-v1`. ctest's own flags work as in ctest:
  selection -R -E -L -LE -C -I -FA -FS -FC (and long spellings), -N (list only);
  --test-dir DIR, --output-junit FILE (relative to DIR), --stop-on-failure,
  --schedule-random, --rerun-failed (procpool's own record), --parallel N,
  --output-on-failure (always on).)";

CLI::App* add_ctest_command(CLI::App& app, CtestOptions& o) {
  CLI::App* cmd = app.add_subcommand("ctest", kCtestDescription);
  cmd->add_option("--build-dir", o.build_dir, "the CTest build tree (ctest: --test-dir)")
      ->capture_default_str();
  cmd->add_option("--resource-spec-file", o.resource_spec_file,
                  "CTest's resource spec (JSON): tests with RESOURCE_GROUPS start when their "
                  "slots are free and get CTEST_RESOURCE_GROUP_* variables");
  add_test_run_options(cmd, o.run);
  cmd->get_option("--history")->each([&o](const std::string&) { o.history_given = true; });
  add_junit_group_option(cmd, o.run.common.reports.junit_group);
  cmd->footer(
      "Examples:\n"
      "  procpool ctest -j4 --test-dir build\n"
      "  procpool ctest --test-dir build -R net -LE slow --output-junit results.xml\n"
      "  procpool ctest --test-dir build --rerun-failed\n"
      "  procpool ctest --test-dir build --resource-spec-file resources.json");
  return cmd;
}

namespace {

// `-N` / `--show-only` among ctest's arguments: list, run nothing. ctest itself prints the list,
// so it reads exactly as `ctest -N` does.
bool only_listing(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg == "-N" || arg == "--show-only" || arg.rfind("--show-only=", 0) == 0;
  });
}

int list_with_ctest(const std::string& build_dir, const std::vector<std::string>& args) {
  process::SpawnRequest request;
  request.argv = {"ctest"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.working_dir = build_dir;
  process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
  boost::asio::io_context& io = loop.io();
  AttemptResult ended;
  bool finished = false;
  auto child = process::Child::start(io, request, process::ChildOptions{}, [&](AttemptResult r) {
    ended = std::move(r);
    finished = true;
  });
  run_phase(
      io, [&] { return finished; },
      [&] { child->stop(StopPolicy::immediate(), OutcomeKind::cancelled); });
  while (!finished && io.run_one() > 0) {
  }
  ended.out->for_each_chunk([](std::string_view bytes) { write_all(1, bytes); });
  ended.err->for_each_chunk([](std::string_view bytes) { write_all(2, bytes); });
  const Outcome& outcome = ended.outcome;
  if (outcome.kind == OutcomeKind::failed_to_start) {
    std::fprintf(stderr, "procpool ctest: cannot run ctest: %s\n", outcome.error.c_str());
    return exit_usage;
  }
  if (outcome.kind == OutcomeKind::cancelled) return exit_interrupted;
  return outcome.kind == OutcomeKind::passed ? exit_ok : exit_task_failed;
}

// Where procpool ctest records the tests that did not pass, for --rerun-failed (beside ctest's
// own LastTestsFailed.log, which numbers tests by their place in the whole suite).
std::string failed_list_path(const std::string& build_dir) {
  return build_dir + "/Testing/Temporary/procpool-LastTestsFailed.log";
}

}  // namespace

int run_ctest_command(const CtestOptions& options) {
  CtestOptions o = options;
  std::error_code ec;
  const std::string build_dir = std::filesystem::canonical(o.build_dir, ec).string();
  if (ec || !std::filesystem::exists(build_dir + "/CTestTestfile.cmake")) {
    std::fprintf(stderr, "procpool ctest: %s is not a CTest build tree (no CTestTestfile.cmake)\n",
                 o.build_dir.c_str());
    return exit_usage;
  }
  if (only_listing(o.selection_args)) return list_with_ctest(build_dir, o.selection_args);
  if (!o.ctest_junit.empty()) {
    const std::filesystem::path junit(o.ctest_junit);
    o.run.common.reports.junit = junit.is_relative() ? (build_dir / junit).string() : o.ctest_junit;
  }
  o.run.failed_list = failed_list_path(build_dir);
  if (!o.history_given) o.run.history = build_dir + "/.procpool/history.json";
  std::optional<ctest::ResourceSpec> resource_spec;
  if (!o.resource_spec_file.empty()) {
    auto loaded = ctest::load_resource_spec(o.resource_spec_file);
    if (!loaded) {
      std::fprintf(stderr, "procpool ctest: %s\n", loaded.error().c_str());
      return exit_usage;
    }
    resource_spec = std::move(*loaded);
  }
  if (o.rerun_failed) {
    // As ctest: no record yet, every test; else the tests that did not pass last time (ctest
    // adds the fixtures they need).
    std::ifstream record(o.run.failed_list);
    if (record) {
      std::string regex, line;
      while (std::getline(record, line)) {
        if (!line.empty()) regex += (regex.empty() ? "" : "|") + exact_name_regex(line);
      }
      if (regex.empty()) {
        std::fprintf(stderr, "procpool ctest: --rerun-failed: no test failed in the last run\n");
        return exit_ok;
      }
      o.selection_args.push_back("-R");
      o.selection_args.push_back(regex);
    }
  }
  process::EventLoop loop;  // not a plain io_context: see event_loop.hpp
  boost::asio::io_context& io = loop.io();
  Result<ctest::CtestSuite> listed = fail("the run was interrupted before ctest listed its tests");
  bool listing_done = false;
  const SteadyTime listing_began = std::chrono::steady_clock::now();
  auto lister = ctest::start_ctest_listing(io, build_dir, o.selection_args,
                                           [&](Result<ctest::CtestSuite> suite) {
                                             listed = std::move(suite);
                                             listing_done = true;
                                           });
  run_phase(
      io, [&] { return listing_done; }, [&] { lister->stop(StopPolicy::immediate()); });
  o.run.common.reports.trace_before.push_back(
      {"ctest --show-only=json-v1", listing_began, std::chrono::steady_clock::now()});
  if (StopSignals::current() && StopSignals::current()->first() != 0) {
    // Interrupted while listing: an empty run that starts cancelled writes the reports (empty)
    // and exits as every interrupted run does.
    return run_tests("procpool ctest", o.run, {}, {}, nullptr);
  }
  if (!listed) {
    std::fprintf(stderr, "procpool ctest: %s\n", listed.error().c_str());
    return exit_usage;
  }
  ctest::CtestSuite& suite = *listed;
  if (!suite.unsupported.empty()) {
    std::string names;
    for (const auto& n : suite.unsupported) names += (names.empty() ? "" : ", ") + n;
    std::fprintf(stderr, "procpool ctest: warning: these test properties are not honoured: %s\n",
                 names.c_str());
  }
  std::vector<TaskSpec> tests;
  std::map<std::string, ctest::CtestRules> rules;
  // Checked on every listed test, as ctest does before running any.
  {
    std::vector<TaskSpec> all;
    for (const auto& test : suite.tests) all.push_back(test.task);
    if (const auto cycle = schedule::find_dependency_cycle(all); !cycle.empty()) {
      std::string path;
      for (const auto& name : cycle) path += (path.empty() ? "" : " -> ") + name;
      std::fprintf(stderr,
                   "procpool ctest: a cycle exists in the test dependency graph (DEPENDS or "
                   "fixtures): %s\n",
                   path.c_str());
      return exit_usage;
    }
  }
  std::map<std::string, std::vector<ctest::ResourceGroup>> resource_groups;
  for (auto& test : suite.tests) {
    test.task.disabled = test.disabled;  // listed and reported as disabled, never run
    // Without a resource spec file CTest ignores RESOURCE_GROUPS; so does procpool.
    if (resource_spec && !test.resource_groups.empty()) {
      resource_groups[report_name(test.task)] = test.resource_groups;
    }
    ctest::mark_batchable_gtest(test);
    rules[test.task.test->name] = test.rules;
    tests.push_back(std::move(test.task));
  }
  std::optional<ctest::ResourceAllocator> resources;
  if (resource_spec) resources.emplace(std::move(*resource_spec), std::move(resource_groups));
  const ctest::ResourceAllocator* allocator = resources ? &*resources : nullptr;
  schedule::Admission* admission = resources ? &*resources : nullptr;
  if (o.run.batch.empty()) {
    return run_tests(
        "procpool ctest", o.run, {}, std::move(tests),
        [&](boost::asio::io_context& io, schedule::Executor& processes) {
          return std::make_unique<ctest::CtestExecutor>(io, processes, std::move(rules), allocator);
        },
        admission);
  }
  // --batch: GoogleTest cases registered one per CTest test share processes through the gtest
  // executor; every other test runs as CTest would run it.
  auto temp = make_temp_directory("procpool-ctest");
  if (!temp) {
    std::fprintf(stderr, "procpool ctest: %s\n", temp.failure().text().c_str());
    return exit_usage;
  }
  const std::string results_dir = *temp + "/results";
  std::filesystem::create_directories(results_dir, ec);
  const int code = run_tests(
      "procpool ctest", o.run, {}, std::move(tests),
      [&](boost::asio::io_context& io, schedule::Executor& processes) {
        gtest::GtestExecutorOptions batches;
        batches.temp_root = *temp;
        batches.results_dir = results_dir;
        const StreamEndpoint stream = stream_endpoint(o.run.common);
        batches.stream_address = stream.listen;
        batches.stream_host = stream.host;
        batches.warn = [](const std::string& message) {
          std::fprintf(stderr, "procpool ctest: warning: %s\n", message.c_str());
        };
        return ctest::batching_executor(io, processes, std::move(rules), allocator,
                                        std::move(batches));
      },
      admission);
  std::filesystem::remove_all(*temp, ec);
  return code;
}

}  // namespace procpool::cli
