#include "../runner_process.hpp"

#include <malloc.h>
#include <unistd.h>
#include <csignal>
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
