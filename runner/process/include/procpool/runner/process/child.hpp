// One running task: owns its process (and everything it starts), captures stdout and stderr,
// enforces its deadline and stops it in steps. Fully event-driven on an io_context, so a runner
// waiting on long tasks uses no CPU.
//
// No process outlives its Child: the task runs in a container of its own (a session on Linux, a
// Job Object on Windows); when its leader exits, anything left of it is killed (reported as a
// leak), and destroying a Child that is still running kills all of it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/core/events.hpp"
#include "procpool/runner/core/stop_policy.hpp"
#include "procpool/runner/process/spawn_request.hpp"

namespace procpool::process {

struct ChildOptions {
  std::optional<std::chrono::milliseconds> timeout;  // none: no deadline
  StopPolicy stop = StopPolicy::graceful(std::chrono::seconds(5));
  std::size_t capture_memory_cap = Capture::default_memory_cap;
  // After the leader exits, how long its output pipes may stay open (held by a process it left
  // behind) before that process is counted as a leak and killed.
  std::chrono::milliseconds leak_wait{100};
  std::chrono::milliseconds slow_after{0};  // zero: never report slowness
  std::function<void(std::chrono::milliseconds elapsed)> on_slow;
  // Optional: each chunk as it arrives (1 = stdout, 2 = stderr), before it is captured. For a
  // caller that follows the output live (a batch of tests: which one is running).
  std::function<void(int stream, std::string_view bytes)> on_output;
  // Stdout and stderr through one pipe, as CTest runs a test: the capture's stdout holds both in
  // the order the child wrote them (two pipes lose that order), and its stderr stays empty.
  bool one_pipe = false;
  // Runs at the lowest priority (nice 19; Windows' below-normal class): for a process that checks
  // rather than does the work (the listing that checks a remembered one while the tests run), so
  // that it takes processor time the tests leave rather than theirs.
  bool background = false;
};

// One running process, started by start(): what every caller sees, on every platform
// (posix/child.cpp: a session of its own, pidfd and pipes through epoll; windows/child.cpp: a
// Job Object, pipes and the process handle through I/O completion ports).
class Child {
 public:
  using Done = std::function<void(AttemptResult)>;

  // Spawns request.argv (its stdout/stderr fields are ignored: output goes to the capture).
  // `done` runs exactly once, from the io_context, even when spawning fails.
  static std::shared_ptr<Child> start(boost::asio::io_context& io, SpawnRequest request,
                                      ChildOptions options, Done done);

  // Applies `policy` to the whole task now; the result will say `as` (cancelled or timed_out).
  // Calling it again with a shorter policy escalates (the second Ctrl-C).
  virtual void stop(const StopPolicy& policy, OutcomeKind as = OutcomeKind::cancelled) = 0;

  virtual int pid() const = 0;
  virtual bool finished() const = 0;

  // Destroying a Child that still runs kills all of its task and waits for it.
  virtual ~Child() = default;
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
};

}  // namespace procpool::process
