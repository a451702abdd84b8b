// procpool: run work in parallel processes. Everything but the worker guard is in the
// procpool_cli library (app.hpp), where it is unit-tested.
#include "app.hpp"
#include "procpool/pool.hpp"

int main(int argc, char** argv) {
  // `procpool bench` runs some cells in a sacrificial child: this program started again as a
  // spawned pool worker (procpool::Pool's spawn start method).
  if (auto code = procpool::run_worker_if_requested()) return *code;
  return procpool::cli::main_entry(argc, argv);
}
