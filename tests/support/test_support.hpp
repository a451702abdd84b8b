// What the integration tests share: running the procpool CLI as a real child process, and the
// check that no process a test started survives it.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace procpool::testing {

// Paths CMake compiles in.
std::string procpool_binary();
std::string helper_binary();

struct CliResult {
  int exit_code = -1;  // -1 when it was killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  double seconds = 0;
  long max_rss_kb = 0;  // procpool's own peak resident memory
};

struct CliOptions {
  std::string stdin_text;        // fed through a file
  std::vector<std::string> env;  // NAME=VALUE added to the environment
  // Sent to procpool after `signal_after`, once procpool has taken charge of it (blocked or
  // caught it; under a wrapper, the wrapper and procpool): before its `main`, a signal would
  // only show that a program without handlers dies of it.
  int send_signal = 0;
  std::chrono::milliseconds signal_after{0};
  // When set, the first signal also waits until this holds (the tasks it must stop have
  // started): a fixed delay alone was too short for a sanitizer build under load.
  std::function<bool()> signal_when;
  int second_signal = 0;           // sent `signal_after` after the first, when set
  std::chrono::seconds limit{60};  // hard limit: the test fails instead of hanging
  std::string working_dir;
  bool ignore_sigchld = false;  // start procpool with SIGCHLD ignored (as some CI agents do)
  int fd_limit = 0;             // RLIMIT_NOFILE for procpool (0: inherited)
  // Start procpool in a process group of its own and send the signals to the whole group, as a
  // terminal's Ctrl-C or `kill -INT -PGID` (or a wrapper like timeout) would.
  bool signal_group = false;
  // Run procpool under this command (e.g. {"timeout", "60"}); signals go to the wrapper.
  std::vector<std::string> wrapper;
};

CliResult run_procpool(const std::vector<std::string>& args, const CliOptions& options = {});

// For `signal_when`: the file holds at least `count` lines (a helper's PP_PIDFILE, one per task).
std::function<bool()> file_has_lines(const std::string& path, std::size_t count);
// For `signal_when`: some process has this word among its arguments.
std::function<bool()> process_with_argument(const std::string& word);
// For `signal_when`: some process with an argument containing `text` sleeps in the kernel (a
// test like Hang.Forever is under way, not merely its program started: a sanitizer build's
// program takes a second to get to its tests).
std::function<bool()> process_sleeping_with_argument_containing(const std::string& text);

// The suites' properties of a JUnit report as Debian's python3-junitparser (a real consumer)
// reads them: "suite-name property-name value", one per property. `scratch_dir` holds the script
// and its output. When junitparser fails, the one element says so, with its output.
std::set<std::string> junit_properties_as_junitparser_reads_them(const std::string& xml,
                                                                 const std::string& scratch_dir);

// Each test case's `file` and `line` attributes (--junit-family xunit1) as python3-junitparser
// reads them: "name file line", one per case that has a file.
std::set<std::string> junit_case_places_as_junitparser_reads_them(const std::string& xml,
                                                                  const std::string& scratch_dir);

// Real ctest's own verdicts on a configured build tree: "passed", "failed" or "skipped" per test
// name, read from its --output-junit (run with -j2). Its log goes to `scratch_dir`/ctest.log.
std::map<std::string, std::string> ctest_verdicts(const std::string& build_dir,
                                                  const std::string& scratch_dir);

// Each task's verdict in a procpool --json report: name -> "passed", "failed", "crashed"...
std::map<std::string, std::string> report_verdicts(const std::string& report_json);

// Configures the CMake project in `source` into `build` with Ninja, each of `defines`
// ("NAME=VALUE") given as -D; cmake's output goes to `log`. False when cmake failed.
bool configure_cmake_project(const std::string& source, const std::string& build,
                             const std::vector<std::string>& defines, const std::string& log);

// Why a test of the fork start method cannot run in this build, or "" when it can. GCC 12's
// AddressSanitizer runtime does not lock its allocator around fork() (LLVM added that in
// llvm/llvm-project#75290, Dec 2023): a worker forked while another thread of the program is
// inside malloc can wait for ever on the allocator's lock copied locked. Seen here: 1 run in
// 150-600 of a Pool test under load, the new worker stuck in __sanitizer::Mutex::Lock. glibc's
// malloc locks its arenas around fork(), so the plain build has no such hazard.
inline const char* fork_unsafe_in_this_build() {
#if defined(__SANITIZE_ADDRESS__)
  return "fork with threads can deadlock in GCC 12's ASan runtime (its allocator is not "
         "fork-safe); the spawn variant of this test runs";
#else
  return "";
#endif
}

// A fresh temporary directory, removed with its contents when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// Makes this test process the subreaper of everything it starts (call once, first), so any
// descendant that outlives procpool is reparented here and can be found.
void adopt_orphans();
// Reaps dead orphans, then returns the pids of live processes still descended from this test
// (and kills them, so one failure does not leak into the next test).
std::vector<int> surviving_descendants();

// Whether `pid` is alive (not merely a zombie).
bool process_alive(int pid);

}  // namespace procpool::testing
