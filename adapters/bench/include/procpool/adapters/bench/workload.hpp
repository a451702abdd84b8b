// The benchmark workloads: the same code runs in a thread, a pool worker and a fresh process,
// so the only thing that differs between executors is how the task gets to a core and back.
//
// A task is described by words (`cpu 2400 17 0`: workload, amount, task index, crash period):
// the process executor passes them to procpool-bench-worker as its arguments, the in-process
// executors parse the very same words, so every executor runs identical work.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"

namespace procpool::bench {

enum class Workload {
  noop,   // returns at once: the executor's own cost per task
  cpu,    // a fixed number of dependent integer steps, sized by a calibrated duration
  sleep,  // waits without using a core
  alloc,  // allocates N bytes and touches every page
  crash,  // like cpu, but one task in K dies by SIGSEGV
};

std::string_view to_string(Workload workload);
std::optional<Workload> parse_workload(std::string_view name);
std::vector<Workload> all_workloads();

// What a size on the command line means for a workload: a duration (cpu, sleep, crash), a
// number of bytes (alloc), or nothing (noop, whose only size is "0").
enum class SizeKind { none, duration, bytes };
SizeKind size_kind(Workload workload);

// A size as written ("1ms", "250us", "16MB") with its value: nanoseconds or bytes.
struct Size {
  std::string text;
  std::uint64_t value = 0;
  SizeKind kind = SizeKind::none;
};
// "1us" "10ms" "1s" "2.5ms" "500ns" -> duration; "4KB" "16MB" "1GB" (powers of 1024, KiB/MiB
// spellings too) -> bytes; "0" -> none. A failure names the problem.
Result<Size> parse_size(std::string_view text);

// One task, ready to run anywhere.
struct WorkItem {
  Workload workload = Workload::noop;
  std::uint64_t amount = 0;       // cpu/crash: steps; sleep: nanoseconds; alloc: bytes
  std::uint64_t index = 0;        // the task's index: seeds its result
  std::uint64_t crash_every = 0;  // crash: task index % crash_every == crash_every - 1 dies
  bool crashes() const {
    return workload == Workload::crash && crash_every > 0 && index % crash_every == crash_every - 1;
  }
};

std::vector<std::string> to_words(const WorkItem& item);
// A failure names the bad word.
Result<WorkItem> from_words(const std::vector<std::string>& words);

// Runs the task and returns its checksum (a function of the item alone, so a caller can check
// that an executor ran the right task). A crashing item raises SIGSEGV and does not return; an
// alloc that gets no memory fails.
Result<std::uint64_t> run(const WorkItem& item);
// A task as every executor gets it, its words (see to_words): parsed, then run.
Result<std::uint64_t> run_words(const std::vector<std::string>& words);

// The checksum a task must return when it is cheap to know in advance (noop, sleep, alloc);
// nothing for cpu work, which tests check against an in-process run instead.
std::optional<std::uint64_t> expected_checksum(const WorkItem& item);

// The cpu workload's inner loop: `steps` dependent multiply-xorshift rounds from `seed`.
std::uint64_t cpu_steps(std::uint64_t seed, std::uint64_t steps);

// How many cpu steps take one nanosecond on this machine, measured once (~0.1 s).
double calibrate_cpu_steps_per_ns();

// The amount a work item needs for a size: steps for a duration of cpu work, the duration or
// the bytes as they are otherwise.
std::uint64_t amount_for(Workload workload, const Size& size, double steps_per_ns);

}  // namespace procpool::bench
