// procpool: run work in parallel processes. argv -> a subcommand; only this layer reads argv,
// the environment, and installs process-wide settings (subreaper, SIGPIPE).
#include <algorithm>
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "bench_command.hpp"
#include "ctest_command.hpp"
#include "exit_codes.hpp"
#include "gtest_command.hpp"
#include "procpool/pool.hpp"
#include "procpool/runner/process/orphans.hpp"
#include "run_command.hpp"

#ifndef PROCPOOL_VERSION
#define PROCPOOL_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // `procpool bench` runs some cells in a sacrificial child: this program started again as a
  // spawned pool worker (procpool::Pool's spawn start method).
  if (auto code = procpool::run_worker_if_requested()) return *code;
  using namespace procpool::cli;
  CLI::App app{"procpool " PROCPOOL_VERSION
               " - run tests and tasks in parallel, one isolated process each"};
  app.name("procpool");
  app.set_version_flag("--version", "procpool " PROCPOOL_VERSION);
  app.require_subcommand(1);

  RunOptions run_options;
  CLI::App* run = add_run_command(app, run_options);
  GtestOptions gtest_options;
  CLI::App* gtest = add_gtest_command(app, gtest_options);
  CtestOptions ctest_options;
  CLI::App* ctest = add_ctest_command(app, ctest_options);
  BenchOptions bench_options;
  CLI::App* bench = add_bench_command(app, bench_options);

  // `procpool gtest BIN... -- ARGS` and `procpool ctest -- ARGS`: what follows `--` belongs to
  // the test binaries or to ctest, not to CLI11 (which would treat it as positionals).
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "gtest" || args[0] == "ctest")) {
    const auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
      auto& passthrough =
          args[0] == "gtest" ? gtest_options.extra_args : ctest_options.selection_args;
      passthrough.assign(dashes + 1, args.end());
      args.erase(dashes, args.end());
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order

  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_usage;
  }

  // A closed stdout (procpool run ... | head) must not kill the runner mid-run: writes fail
  // with EPIPE instead, and children get SIGPIPE back at default (see spawn.cpp).
  std::signal(SIGPIPE, SIG_IGN);
  // Orphans of tasks come to us, not to init, so the run can kill and reap them.
  procpool::process::become_subreaper();

  if (*run) return run_run_command(run_options);
  if (*gtest) return run_gtest_command(gtest_options);
  if (*ctest) return run_ctest_command(ctest_options);
  if (*bench) return run_bench_command(bench_options);
  return exit_usage;
}
