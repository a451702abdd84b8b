// procpool-bench-tbb: where `procpool bench` runs its `tbb` cells, as a spawned procpool::Pool
// worker (cell_in_child.hpp). The runner itself does not link TBB: Debian ships TBB only as a
// shared library, which loads the shared libstdc++, and the runner starts faster without both.
#include <cstdio>

#include "procpool/adapters/bench/grid.hpp"
#include "procpool/adapters/threads/tbb_executor.hpp"
#include "procpool/pool.hpp"

int main() {
  procpool::bench::provide_tbb(procpool::threads::make_tbb_executor);
  if (auto code = procpool::run_worker_if_requested()) return *code;
  std::fputs("procpool-bench-tbb: runs the tbb cells of `procpool bench`; it is not run by hand\n",
             stderr);
  return 2;
}
