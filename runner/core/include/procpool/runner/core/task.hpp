// What a source hands the runner: one task = one command line to run in its own process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace procpool {

struct EnvVar {
  std::string name;
  std::string value;
};

// Set when a task is one test of a test binary: what reports group and name it by.
struct TestIdentity {
  std::string binary;  // the test program as given on the command line
  std::string suite;   // e.g. "Prefix/Suite" for GoogleTest, the directory for CTest
  std::string name;    // e.g. "Case/0"
  std::string full_name() const { return suite.empty() ? name : suite + "." + name; }
};

struct TaskSpec {
  std::vector<std::string> argv;         // argv[0] is looked up in PATH when it has no '/'
  std::vector<EnvVar> env;               // set on top of the runner's own environment
  std::vector<std::string> env_unset;    // removed from the runner's environment
  std::string working_dir;               // empty: the runner's
  std::string name;                      // how reports name it: the command line, a test name, ...
  std::string input;                     // `procpool run`: the input it was made from (for --tag)
  std::chrono::milliseconds timeout{0};  // zero: the run's default
  std::optional<TestIdentity> test;
  bool run_serial = false;                  // runs only while nothing else runs (CTest RUN_SERIAL)
  std::vector<std::string> resource_locks;  // never two running tasks with a common lock
  // When set, the task fails with this message without running: how a source reports an entry
  // it could not turn into a command (a test binary whose tests could not be listed).
  std::string preset_failure;
  // Tests with the same non-empty group may share one process (`--batch`): same program, same
  // arguments apart from the test selection, same environment and directory. Set by the source.
  std::string batch_group;
  // The name the program knows the test by in a batch (gtest: "Suite.Name" for --gtest_filter).
  std::string batch_member;
  // The batch the plan put this test in (0: none, it runs alone). Set by the plan.
  std::uint64_t batch = 0;
};

// The command line as a person would type it: words shell-quoted where needed.
std::string shell_join(const std::vector<std::string>& argv);
// One word quoted for /bin/sh when it holds anything but safe characters.
std::string shell_quote(const std::string& word);

// The last component of a path ("a/b/c" -> "c"), and what leads to it ("a/b"; "." for a bare
// name, "/" for "/c"), as basename(1) and dirname(1) without their trailing-slash rules.
std::string base_name(const std::string& path);
std::string dir_name(const std::string& path);

}  // namespace procpool
