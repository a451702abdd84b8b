// The library's three figures, measured the way benchmarks/multiprocessing_compare.py measures
// CPython's: Process start+join latency, Pool(2).apply_async round trips per second for a trivial
// task, Pool(2).map items per second. Prints "name value" lines.
#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include <procpool/procpool.hpp>

namespace {

void nothing() {}
int identity(int x) { return x; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  constexpr int starts = 200;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < starts; ++i) {
    procpool::Process p(nothing);
    p.start();
    p.join();
  }
  std::printf("process_start_join_ms %.4f\n", seconds_since(start) * 1000 / starts);

  procpool::Pool pool(2);
  pool.apply_async(identity, 0).get();  // workers are up
  constexpr int tasks = 20000;
  start = std::chrono::steady_clock::now();
  std::vector<procpool::AsyncResult<int>> results;
  results.reserve(tasks);
  for (int i = 0; i < tasks; ++i) results.push_back(pool.apply_async(identity, i));
  long long sum = 0;
  for (auto& r : results) sum += r.get();
  std::printf("apply_async_per_s %.0f\n", tasks / seconds_since(start));

  std::vector<int> items(1000000);
  std::iota(items.begin(), items.end(), 0);
  start = std::chrono::steady_clock::now();
  const auto mapped = pool.map(identity, items);
  std::printf("map_items_per_s %.0f\n", items.size() / seconds_since(start));
  pool.close();
  pool.join();
  return sum > 0 && mapped.size() == items.size() ? 0 : 1;
}
