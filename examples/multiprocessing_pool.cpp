// The seed's second program, in C++: five long_time_tasks on a Pool of four workers.
//   Python:  p = Pool(4); for i in range(5): p.apply_async(long_time_task, args=(i,))
//            p.close(); p.join()
// Portable as the Python is: on Windows the workers are this program started again (the spawn
// start method), so the task is registered by name and main() begins with the guard.
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include <procpool/procpool.hpp>

void long_time_task(int name) {
  std::printf("Run task %d (%d)...\n", name, static_cast<int>(::getpid()));
  const auto start = std::chrono::steady_clock::now();
  std::mt19937 random(std::random_device{}());
  std::this_thread::sleep_for(
      std::chrono::duration<double>(std::uniform_real_distribution<double>(0, 3)(random)));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("Task %d runs %0.2f seconds.\n", name, seconds);
}
PROCPOOL_TASK(long_time_task);

int main() {
  if (auto code = procpool::run_worker_if_requested()) return *code;
  std::printf("Parent process %d.\n", static_cast<int>(::getpid()));
  procpool::Pool p(4);
  std::vector<procpool::AsyncResult<void>> results;
  for (int i = 0; i < 5; ++i) results.push_back(p.apply_async(long_time_task, i));
  std::printf("Waiting for all subprocesses done...\n");
  p.close();
  p.join();
  for (auto& r : results) r.get();  // rethrows a task's failure, if any
  std::printf("All subprocesses done.\n");
}
