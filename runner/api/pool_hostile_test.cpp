// procpool::Pool and procpool::Process against hostile tasks and callers: a task that closes
// its worker's connection, a stopped worker with big arguments waiting, a callback that submits,
// a task that reads its standard input, a pool or process made on a thread that then exits, an
// ignored SIGCHLD. Nothing may hang, and no process may survive.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "procpool/pool.hpp"
#include "procpool/process.hpp"
#include "start_method_test.hpp"
#include "test_support.hpp"

namespace procpool {
namespace {

using Clock = std::chrono::steady_clock;

int cube(int x) { return x * x * x; }

// Closes every descriptor but 0-2 (its connection to the pool among them), then waits for ever.
int cut_the_line_and_hang(int) {
  DIR* dir = ::opendir("/proc/self/fd");
  std::vector<int> fds;
  while (dirent* entry = dir ? ::readdir(dir) : nullptr) {
    const int fd = std::atoi(entry->d_name);
    if (fd > 2) fds.push_back(fd);
  }
  if (dir) ::closedir(dir);
  for (int fd : fds) ::close(fd);
  for (;;) ::pause();
}

std::size_t length(std::string s) { return s.size(); }

std::string read_stdin(int) {
  std::string all;
  for (std::string line; std::getline(std::cin, line);) all += line;
  return "read " + std::to_string(all.size());
}

PROCPOOL_TASK(cube);
PROCPOOL_TASK(cut_the_line_and_hang);
PROCPOOL_TASK(length);
PROCPOOL_TASK(read_stdin);

class PoolHostile : public StartMethodTest {};

TEST_P(PoolHostile, ATaskThatClosesItsWorkersConnectionFailsAloneAndNothingHangs) {
  Pool pool(options(2));
  auto cut = pool.apply_async(cut_the_line_and_hang, 0);
  EXPECT_THROW(cut.get(std::chrono::seconds(10)), WorkerCrashed);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(pool.apply_async(cube, i).get(std::chrono::seconds(10)), i * i * i);
  const auto started = Clock::now();
  pool.terminate();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
}

TEST_P(PoolHostile, AStoppedWorkerWithBigArgumentsWaitingStopsNeitherTheOthersNorTerminate) {
  Pool pool(options(2));
  const auto pids = pool.worker_pids();
  ASSERT_EQ(pids.size(), 2u);
  ::kill(pids[0], SIGSTOP);
  const std::string mebibyte(1 << 20, 'x');
  std::vector<AsyncResult<std::size_t>> results;
  for (int i = 0; i < 8; ++i) results.push_back(pool.apply_async(length, mebibyte));
  int completed = 0;
  for (auto& r : results) completed += r.wait(std::chrono::seconds(5)) ? 1 : 0;
  EXPECT_GE(completed, 1) << "the running worker gets work while the stopped one holds some";
  const auto started = Clock::now();
  pool.terminate();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
  for (auto& r : results) EXPECT_TRUE(r.ready()) << "terminate() ends every task";
}

TEST_P(PoolHostile, ACallbackThatSubmitsATaskDoesNotDeadlock) {
  Pool pool(options(2));
  std::promise<AsyncResult<int>> second;
  auto first =
      pool.apply_async_notify([&] { second.set_value(pool.apply_async(cube, 3)); }, cube, 2);
  EXPECT_EQ(first.get(std::chrono::seconds(10)), 8);
  auto future = second.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(future.get().get(std::chrono::seconds(10)), 27);
}

int crash(int) {
  std::signal(SIGSEGV, SIG_DFL);
  std::raise(SIGSEGV);
  return 0;
}
PROCPOOL_TASK(crash);

TEST_P(PoolHostile, ATaskReadingStandardInputGetsNothingAndThePoolGoesOn) {
  Pool pool(options(1));
  EXPECT_EQ(pool.apply_async(read_stdin, 0).get(std::chrono::seconds(10)), "read 0");
  EXPECT_EQ(pool.apply_async(cube, 4).get(std::chrono::seconds(10)), 64);
}

TEST_P(PoolHostile, APoolMadeOnAThreadThatExitsKeepsItsWorkers) {
  std::unique_ptr<Pool> pool;
  std::vector<int> first_workers;
  std::thread([&] {
    pool = std::make_unique<Pool>(options(2));
    first_workers = pool->worker_pids();
  }).join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int pid : first_workers) {
    EXPECT_TRUE(testing::process_alive(pid)) << "worker " << pid << " died with the thread";
  }
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(pool->apply_async(cube, i).get(std::chrono::seconds(10)), i * i * i);
  pool.reset();
}

TEST_P(PoolHostile, WorkerPidsMayBeAskedWhileThePoolTerminates) {
  Pool pool(options(2));
  std::atomic<bool> done{false};
  std::thread asker([&] {
    while (!done.load()) (void)pool.worker_pids();
  });
  for (int i = 0; i < 4; ++i) pool.apply_async(cube, i).get();
  pool.terminate();
  done = true;
  asker.join();
}

INSTANTIATE_START_METHODS(PoolHostile);

void exit_with(int code) { ::_exit(code); }
void nap() { ::usleep(300 * 1000); }

class ProcessHostile : public ::testing::Test {
 protected:
  void SetUp() override { testing::adopt_orphans(); }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
};

TEST_F(ProcessHostile, AnIgnoredSigchldStillGivesTheRealExitCode) {
  auto previous = std::signal(SIGCHLD, SIG_IGN);
  Process p(exit_with, 3);
  p.start();
  const bool joined = p.join(std::chrono::seconds(10));
  std::signal(SIGCHLD, previous);
  EXPECT_TRUE(joined);
  EXPECT_FALSE(p.is_alive());
  EXPECT_EQ(p.exitcode(), 3);
}

TEST_F(ProcessHostile, AProcessStartedOnAThreadThatExitsLivesOn) {
  Process p(nap);
  std::thread([&] { p.start(); }).join();
  EXPECT_TRUE(p.join(std::chrono::seconds(10)));
  EXPECT_EQ(p.exitcode(), 0) << "not killed when the thread that started it went";
}

// Spawned workers need more descriptors than forked ones (the dead worker's two are enough for
// a fork), so with spawn no replacement can start: the path where waiting tasks fail at once.
TEST_F(ProcessHostile, ACallbackThatSubmitsWhenNoWorkerCanBeStartedDoesNotDeadlock) {
  Pool pool(PoolOptions{.processes = 1, .start_method = StartMethod::spawn});
  EXPECT_EQ(pool.apply_async(cube, 1).get(), 1);
  // No descriptor left for a new worker: when the one worker dies, none can replace it, and the
  // tasks waiting fail; a callback of theirs submits again.
  rlimit saved{};
  ::getrlimit(RLIMIT_NOFILE, &saved);
  int highest = 0;  // every number up to the highest open one is taken or below it: none new
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* entry = ::readdir(dir)) highest = std::max(highest, std::atoi(entry->d_name));
    ::closedir(dir);
  }
  const rlimit none{static_cast<rlim_t>(highest + 1), saved.rlim_max};
  std::promise<AsyncResult<int>> resubmitted;
  ::setrlimit(RLIMIT_NOFILE, &none);
  std::vector<int> fillers;  // the free numbers below the limit, taken
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.push_back(fd);
  auto dies = pool.apply_async(crash, 0);
  auto waiting =
      pool.apply_async_notify([&] { resubmitted.set_value(pool.apply_async(cube, 2)); }, cube, 3);
  // Only waited for while starved: sanitizer runtimes misbehave without a descriptor left, so the
  // exceptions are looked at once descriptors are back.
  const bool ended = dies.wait(std::chrono::seconds(10)) && waiting.wait(std::chrono::seconds(10));
  auto future = resubmitted.get_future();
  const bool called = future.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  for (int fd : fillers) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_TRUE(ended) << "no task may wait for ever";
  EXPECT_THROW(dies.get(), WorkerCrashed);
  EXPECT_THROW(waiting.get(), WorkerCrashed);
  ASSERT_TRUE(called) << "the callback ran";
  EXPECT_THROW(future.get().get(std::chrono::seconds(10)), WorkerCrashed);
  pool.terminate();
}

}  // namespace
}  // namespace procpool
