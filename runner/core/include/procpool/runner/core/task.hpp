// What a source hands the runner: one task = one command line to run in its own process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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
  // Where the test is defined, when the source knows: the TEST() line for GoogleTest (from its
  // listing), the add_test() call for CTest. For reports that point people at the code.
  std::string file;
  unsigned line = 0;
  std::vector<std::string> labels;  // CTest LABELS, in the order the project gave them
  // A CTest test's directory relative to the build tree ("" at its top): how reports group
  // what `ctest` users find by directory.
  std::string directory;
  std::string full_name() const { return suite.empty() ? name : suite + "." + name; }
};

// What one attempt needs to start its process: the command line and where it runs. A task has
// one; an executor that wraps another derives its own from it (CTest's resource variables,
// srun's words in front, gtest's filter) rather than copying the whole task.
struct Command {
  std::vector<std::string> argv;       // argv[0] is looked up in PATH when it has no '/'
  std::vector<EnvVar> env;             // set on top of the runner's own environment
  std::vector<std::string> env_unset;  // removed from the runner's environment
  std::string working_dir;             // empty: the runner's
  // `procpool run`'s {%}: where the slot number goes, as (argv index, byte offset), in order;
  // filled in at launch (argv_for_slot), when the slot is known.
  std::vector<std::pair<std::size_t, std::size_t>> slot_marks;
};

// One task as the source made it and the plan placed it: its command, and what the sources,
// the plan, the scheduler and the reports know about it.
struct TaskSpec {
  Command command;
  std::string name;   // how reports name it: the command line, a test name, ...
  std::string input;  // `procpool run`: the input it was made from (for --tag)
  std::string tag;    // `procpool run --tagstring`: its output lines' prefix (else `input`)
  // `procpool run`: GNU parallel's sequence number ({#}, the joblog's Seq) when it is not the
  // task's index + 1 (a --resume run leaves out what already ran); 0: index + 1.
  std::size_t seq = 0;
  std::vector<std::string> args;  // `procpool run`: the arguments it was made from (--results)
  // Its own deadline (CTest's TIMEOUT); none: the run's --timeout. The scheduler resolves the
  // two into Launch::deadline, the only deadline executors see.
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<TestIdentity> test;
  bool run_serial = false;                  // runs only while nothing else runs (CTest RUN_SERIAL)
  std::vector<std::string> resource_locks;  // never two running tasks with a common lock
  unsigned processors = 1;  // how many of the -j slots it takes while it runs (CTest PROCESSORS)
  double cost = 0;          // order among tests without history: higher first (CTest COST)
  // Tasks, by report name (TestIdentity::full_name(), else `name`), that must have finished
  // before this one starts (CTest DEPENDS, fixtures). Names not in the run are ignored.
  std::vector<std::string> after;
  // Those of `after` that must have passed (or skipped themselves): when one did not, this task
  // is not run (CTest: a failed fixture setup makes its users "Not Run").
  std::vector<std::string> after_passing;
  // Other tasks of the source that must run wherever this one runs: a shard that takes it takes
  // them too (CTest: the setups and cleanups of the fixtures it requires).
  std::vector<std::string> companions;
  // Runs only for the sake of others (CTest: a fixture's setup or cleanup): a shard takes it
  // with the tests that need it, so several shards may run it.
  bool helper = false;
  // Listed but disabled (CTest DISABLED, GoogleTest DISABLED_): reported as such, never run.
  bool disabled = false;
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

// The name a task is known by in reports and dependencies: the test's full name, else `name`.
inline std::string report_name(const TaskSpec& task) {
  return task.test ? task.test->full_name() : task.name;
}

// The command line as a person would type it: words shell-quoted where needed.
std::string shell_join(const std::vector<std::string>& argv);

// The command's argv with the slot number (1..jobs) put where it had {%}.
std::vector<std::string> argv_for_slot(const Command& command, unsigned slot);
// One word quoted for /bin/sh when it holds anything but safe characters.
std::string shell_quote(const std::string& word);

// The last component of a path ("a/b/c" -> "c"), and what leads to it ("a/b"; "." for a bare
// name, "/" for "/c"), as basename(1) and dirname(1) without their trailing-slash rules.
std::string base_name(const std::string& path);
std::string dir_name(const std::string& path);

}  // namespace procpool
