#include "app.hpp"

#include <algorithm>
#include <cstdio>

#include "exit_codes.hpp"
#include "runner_process.hpp"
#include "suggest.hpp"

#ifndef PROCPOOL_VERSION
#define PROCPOOL_VERSION "0.0.0"
#endif

namespace procpool::cli {

CommandLine::CommandLine()
    : app_("procpool " PROCPOOL_VERSION
           " - run tests and tasks in parallel, one isolated process each") {
  app_.name("procpool");
  app_.set_version_flag("--version", "procpool " PROCPOOL_VERSION);
  app_.require_subcommand(1);
  run_command_ = add_run_command(app_, run_);
  gtest_command_ = add_gtest_command(app_, gtest_);
  ctest_command_ = add_ctest_command(app_, ctest_);
  bench_command_ = add_bench_command(app_, bench_);
  merge_command_ = add_merge_command(app_, merge_);
  for (CLI::App* command :
       {run_command_, gtest_command_, ctest_command_, bench_command_, merge_command_}) {
    command->set_version_flag("--version", "procpool " PROCPOOL_VERSION);
  }
}

namespace {

// Put before a word CLI11 must not read as a list ("[a,b]"), and taken off after parsing.
constexpr std::string_view kShield = "\x01procpool-word:";

void unshield(std::string& word) {
  if (word.rfind(kShield, 0) == 0) word.erase(0, kShield.size());
}

}  // namespace

std::optional<int> CommandLine::parse(std::vector<std::string> args) {
  // `procpool gtest BIN... -- ARGS` and `procpool ctest -- ARGS`: what follows `--` belongs to
  // the test binaries or to ctest, not to CLI11 (which would treat it as positionals).
  if (!args.empty() && (args[0] == "gtest" || args[0] == "ctest")) {
    const auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
      auto& passthrough = args[0] == "gtest" ? gtest_.extra_args : ctest_.selection_args;
      passthrough.assign(dashes + 1, args.end());
      args.erase(dashes, args.end());
    }
    if (args[0] == "ctest") {
      std::vector<std::string> rest(args.begin() + 1, args.end());
      if (auto taken = take_ctest_flags(*ctest_command_, rest, ctest_); !taken) {
        std::fprintf(stderr, "procpool ctest: %s\n", taken.error().c_str());
        return exit_usage;
      }
      rest.insert(rest.begin(), "ctest");
      args = std::move(rest);
    }
  }
  // `procpool run ... -- COMMAND`: the command and its inputs are the user's words, not CLI11's
  // (which would read "[{}]" as a list and split it at commas). Without `--`, such words are
  // shielded from CLI11 and unshielded after it.
  std::vector<std::string> run_words;
  bool run_shielded = false;
  if (!args.empty() && args[0] == "run") {
    const auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
      run_words.assign(dashes + 1, args.end());
      args.erase(dashes, args.end());
    }
    for (auto& arg : args) {
      if (arg.size() >= 2 && arg.front() == '[' && arg.back() == ']') {
        arg.insert(0, kShield);
        run_shielded = true;
      }
    }
  }
  const std::vector<std::string> as_given = args;
  if (!as_given.empty() && !as_given[0].empty() && as_given[0][0] != '-') {
    // Not a subcommand: say so before CLI11 says "A subcommand is required".
    if (auto why = explain_bad_arguments(app_, as_given);
        why && why->rfind("unknown command", 0) == 0) {
      std::fprintf(stderr, "procpool: %s\n", why->c_str());
      return exit_usage;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  try {
    app_.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app_.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app_.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 names the symptom ("binaries is required"); say which argument is wrong when we can.
    if (auto why = explain_bad_arguments(app_, as_given)) {
      std::fprintf(stderr, "%s\nRun with --help for more information.\n", why->c_str());
      return exit_usage;
    }
    app_.exit(e);
    return exit_usage;
  }
  if (run_shielded) {
    for (std::string* value : {&run_.tagstring, &run_.colsep, &run_.tasks_file}) unshield(*value);
    for (auto& word : run_.command_and_inputs) unshield(word);
    for (auto& file : run_.arg_files) unshield(file);
  }
  run_.command_and_inputs.insert(run_.command_and_inputs.end(), run_words.begin(), run_words.end());
  return std::nullopt;
}

std::string CommandLine::subcommand() const {
  for (const CLI::App* command :
       {run_command_, gtest_command_, ctest_command_, bench_command_, merge_command_}) {
    if (command->parsed()) return command->get_name();
  }
  return {};
}

int CommandLine::run() const {
  if (run_command_->parsed()) return run_run_command(run_);
  if (gtest_command_->parsed()) return run_gtest_command(gtest_);
  if (ctest_command_->parsed()) return run_ctest_command(ctest_);
  if (bench_command_->parsed()) return run_bench_command(bench_);
  if (merge_command_->parsed()) return run_merge_command(merge_);
  return exit_usage;
}

int main_entry(int argc, char** argv) {
  CommandLine command_line;
  if (auto code = command_line.parse(std::vector<std::string>(argv + 1, argv + argc))) {
    return *code;
  }
  // From here on this is the runner (runner_process.hpp): Ctrl-C and the other stopping signals
  // are read by every phase, never left to kill procpool and orphan its children.
  if (auto ready = become_runner(argv, command_line.subcommand()); !ready) {
    std::fprintf(stderr, "procpool: %s\n", ready.error().c_str());
    return exit_usage;
  }
  return command_line.run();
}

}  // namespace procpool::cli
