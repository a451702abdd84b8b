// procpool::Pool and procpool::Process against hostile tasks and callers: a task that closes
// its worker's connection, a stopped worker with big arguments waiting, a callback that submits,
// a task that reads its standard input, a pool or process made on a thread that then exits, an
// ignored SIGCHLD. Nothing may hang, and no process may survive.
#include <dirent.h>
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

class PoolHostile : public ::testing::TestWithParam<StartMethod> {
 protected:
  void SetUp() override { testing::adopt_orphans(); }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
  PoolOptions options(unsigned processes) {
    return PoolOptions{.processes = processes,
                       .start_method = GetParam(),
                       .terminate_grace = std::chrono::milliseconds(300)};
  }
};

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

TEST_P(PoolHostile, ATaskReadingStandardInputGetsNothingAndThePoolGoesOn) {
  Pool pool(options(1));
  EXPECT_EQ(pool.apply_async(read_stdin, 0).get(std::chrono::seconds(10)), "read 0");
  EXPECT_EQ(pool.apply_async(cube, 4).get(std::chrono::seconds(10)), 64);
}

TEST_P(PoolHostile, APoolMadeOnAThreadThatExitsKeepsItsWorkers) {
  std::unique_ptr<Pool> pool;
  std::thread([&] { pool = std::make_unique<Pool>(options(2)); }).join();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
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

INSTANTIATE_TEST_SUITE_P(StartMethods, PoolHostile,
                         ::testing::Values(StartMethod::fork, StartMethod::spawn),
                         [](const auto& info) {
                           return info.param == StartMethod::fork ? "fork" : "spawn";
                         });

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

}  // namespace
}  // namespace procpool
