// pool_worker_program: serves as a spawned Pool worker for api_test's PoolOptions::executable
// tests (a program other than the one making the pool); run any other way it refuses.
#include <cstdio>

#include "procpool/pool.hpp"
#include "program_of_this_process.hpp"

int main() {
  if (auto code = procpool::run_worker_if_requested()) return *code;
  std::fputs("pool_worker_program: only serves as a procpool::Pool worker\n", stderr);
  return 2;
}
