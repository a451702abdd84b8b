// procpool-bench-worker WORKLOAD AMOUNT INDEX CRASH_EVERY: runs one benchmark task and prints
// its checksum. The `process` executor starts one per task; it is kept tiny (no option parser,
// no static constructors beyond the C++ runtime's) so its start-up is the process's, not ours.
#include <cstdio>
#include <string>
#include <vector>

#include "procpool/adapters/bench/workload.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (auto item = procpool::bench::from_words(words); !item) {
    std::fprintf(stderr,
                 "procpool-bench-worker: %s\nusage: procpool-bench-worker WORKLOAD AMOUNT INDEX "
                 "CRASH_EVERY\n",
                 item.error().c_str());
    return 2;
  }
  const auto checksum = procpool::bench::run_words(words);
  if (!checksum) {
    std::fprintf(stderr, "procpool-bench-worker: %s\n", checksum.error().c_str());
    return 1;
  }
  std::printf("%llu\n", static_cast<unsigned long long>(*checksum));
  return 0;
}
