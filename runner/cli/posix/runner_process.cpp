#include "../runner_process.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../stop_signals.hpp"
#include "../supervisor.hpp"
#include "procpool/runner/process/orphans.hpp"

namespace procpool::cli {
namespace {

// `procpool merge` of large reports builds a few hundred MiB of small JSON nodes, and on virtual
// machines each first touch of a 4 KiB page is slow: with glibc's malloc on transparent huge
// pages a merge of 8 reports of 5,000 tests took 0.51 s instead of 1.05 s (measured, 2 cores).
// glibc reads that setting only at start, so merge starts itself once more with it set.
void restart_with_huge_pages(char** argv) {
  constexpr const char* kTunable = "glibc.malloc.hugetlb=1";
  const char* current = std::getenv("GLIBC_TUNABLES");
  if (current && std::strstr(current, "glibc.malloc.hugetlb")) return;  // set: by us or the user
  const std::string value = current && *current ? std::string(current) + ":" + kTunable : kTunable;
  ::setenv("GLIBC_TUNABLES", value.c_str(), 1);
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // exec failed: go on as we are, without the setting
  if (current) ::setenv("GLIBC_TUNABLES", current, 1);
}

// Every first touch of a 4 KiB page is a page fault, and on virtual machines a fault is slow:
// 11-16 µs each on the project's machine, against ~0.3 µs per 4 KiB inside a transparent huge
// page (benchmarks/page_fault_cost.sh). A warm batched run of googletest's gtest_unittest touched
// ~1,300 fresh pages in the runner, a third of its CPU (~280 with what follows). So the runner
// (after the supervisor's fork, so that this heap is its own) keeps what it frees for reuse
// instead of handing it back, takes large blocks from the heap as well, and grows the heap once
// by 16 MiB marked for huge pages (madvise: nothing happens where the kernel has them off). A
// sanitizer's allocator ignores all of this: its heap is not the program break, which then does
// not move, and nothing is done.
void* volatile heap_filler = nullptr;  // volatile: see the block below

void prepare_heap_for_a_run() {
  constexpr std::uintptr_t kReserve = 16 << 20;
  constexpr std::uintptr_t kHugePage = 2 << 20;
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  char* const before = static_cast<char*>(::sbrk(0));
  // Grows the heap by that much; only the block's header is touched. (Through a volatile, or
  // the compiler drops a malloc whose block is never used, and the heap does not grow.)
  void* volatile block = ::malloc(kReserve);
  char* const after = static_cast<char*>(::sbrk(0));
  if (!block || before == reinterpret_cast<char*>(-1) || after <= before + kReserve) {
    ::free(block);
    return;
  }
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(before) + page - 1) & ~(page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(after) & ~(page - 1);
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  // Only whole 2 MiB-aligned stretches become huge pages, and what the run allocates next
  // starts where the block does: up to 2 MiB of 4 KiB pages, most of a run's heap. A filler
  // from there to the next boundary (at least 64 KiB: no freed chunk of the command line's
  // can serve it) is kept for good and never touched, so the run's memory starts on one.
  const auto start = reinterpret_cast<std::uintptr_t>(static_cast<void*>(block));
  const auto boundary = (start + (64 << 10) + kHugePage - 1) & ~(kHugePage - 1);
  ::free(block);
  heap_filler = ::malloc(boundary - start - 2 * sizeof(std::size_t));  // less the chunk header
  ::mallopt(M_TOP_PAD, 1 << 20);  // later growth in steps of a MiB, not one page at a time
}

}  // namespace

Result<void> become_runner(char** argv, const std::string& subcommand) {
  if (subcommand == "merge") {
    restart_with_huge_pages(argv);
    // A large merge builds and frees a few hundred MiB of small JSON nodes: grow the heap in
    // large steps and never hand memory back midway (sbrk and trimming were ~15 % of its time).
    ::mallopt(M_TOP_PAD, 64 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
  }
  // An ignored SIGCHLD inherited from the caller (some CI agents and daemons run so) makes the
  // kernel reap children itself, and every exit status would be lost: back to the default.
  std::signal(SIGCHLD, SIG_DFL);
  supervise();
  if (subcommand != "merge") prepare_heap_for_a_run();  // merge has its own (above)
  // Ctrl-C, SIGTERM, SIGHUP and SIGQUIT are read by every phase (stop_signals.hpp).
  if (auto installed = StopSignals::install(); !installed) return installed;
  // A closed stdout (procpool run ... | head) must not kill the runner mid-run: writes fail
  // with EPIPE instead, and children get SIGPIPE back at default (see spawn.cpp).
  std::signal(SIGPIPE, SIG_IGN);
  // Orphans of tasks come to us, not to init, so the run can kill and reap them.
  process::become_subreaper();
  return ok();
}

}  // namespace procpool::cli
