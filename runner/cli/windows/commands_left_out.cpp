// The Windows build's place for what it leaves out (README, "Windows"): `procpool ctest` (its
// regular expressions need RE2, which Debian does not build for Windows), `procpool bench`
// (its thread pools need TBB, likewise) and `--executor slurm` (Slurm runs on Linux). Each is
// still on the command line, so asking for it gets the reason and exit status 2, not
// "unknown command".
#include <cstdio>

#include "bench_command.hpp"
#include "ctest_command.hpp"
#include "executor_choice.hpp"
#include "exit_codes.hpp"

namespace procpool::cli {
namespace {

int left_out(const char* what, const char* why) {
  std::fprintf(stderr, "procpool: %s is not in the Windows build: %s (README, \"Windows\")\n", what,
               why);
  return exit_usage;
}

CLI::App* add_left_out(CLI::App& app, const char* name, const char* what) {
  CLI::App* cmd = app.add_subcommand(name, std::string(what) + " (not in the Windows build)");
  cmd->allow_extras();
  return cmd;
}

}  // namespace

CLI::App* add_ctest_command(CLI::App& app, CtestOptions&) {
  return add_left_out(app, "ctest", "run a CTest suite with procpool's scheduler");
}

Result<void> take_ctest_flags(const CLI::App&, std::vector<std::string>&, CtestOptions&) {
  return ok();
}

int run_ctest_command(const CtestOptions&) {
  return left_out("procpool ctest",
                  "CTest's regular expressions need RE2, which Debian does "
                  "not package for Windows");
}

CLI::App* add_bench_command(CLI::App& app, BenchOptions&) {
  return add_left_out(app, "bench", "benchmark process pools against thread pools");
}

int run_bench_command(const BenchOptions&) {
  return left_out("procpool bench",
                  "its thread pools need TBB, which Debian does not package for Windows");
}

void add_executor_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--executor", o.executor, "where attempts run: local processes (Windows: only)")
      ->check(CLI::IsMember({"local"}))
      ->capture_default_str();
}

StreamEndpoint stream_endpoint(const CommonOptions&) { return {"127.0.0.1", "127.0.0.1"}; }

Result<std::unique_ptr<schedule::Executor>> cluster_executor(const CommonOptions&,
                                                             boost::asio::io_context&,
                                                             schedule::Executor&) {
  return std::unique_ptr<schedule::Executor>();
}

}  // namespace procpool::cli
