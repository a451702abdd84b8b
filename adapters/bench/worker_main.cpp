// procpool-bench-worker WORKLOAD AMOUNT INDEX CRASH_EVERY: runs one benchmark task and prints
// its checksum. The `process` executor starts one per task; it is kept tiny (no option parser,
// no static constructors beyond the C++ runtime's) so its start-up is the process's, not ours.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "procpool/adapters/bench/workload.hpp"

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> words(argv + 1, argv + argc);
    const std::uint64_t checksum = procpool::bench::run(procpool::bench::from_words(words));
    std::printf("%llu\n", static_cast<unsigned long long>(checksum));
    return 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr,
                 "procpool-bench-worker: %s\nusage: procpool-bench-worker WORKLOAD AMOUNT INDEX "
                 "CRASH_EVERY\n",
                 e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "procpool-bench-worker: %s\n", e.what());
    return 1;
  }
}
