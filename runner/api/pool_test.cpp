// procpool::Pool: results and exceptions, crashes of every kind, timeouts, misuse, worker
// recycling, initializers, big payloads, terminate — and never a surviving process.
#include "procpool/pool.hpp"

#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace procpool {
namespace {

int square(int x) { return x * x; }
int add(int a, int b) { return a + b; }
int my_pid(int) { return ::getpid(); }
std::string echo_size(std::string s) { return std::string(s.size() / 2, 'r'); }
int throws(int) { throw std::invalid_argument("bad input 42"); }
int sleeps(int seconds) {
  ::sleep(seconds);
  return seconds;
}
int dies(int how) {
  if (how == 0) {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
  }
  if (how == 1) {
    std::signal(SIGABRT, SIG_DFL);
    std::abort();
  }
  if (how == 2) ::kill(::getpid(), SIGKILL);
  ::_exit(7);
}

std::string g_marker_dir;  // set before the pool forks, so workers see it
void record_start(std::string dir) {
  std::ofstream(dir + "/init-" + std::to_string(::getpid())) << "x";
}

struct Point {
  int x = 0, y = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(x, y);
  }
};
Point swap_point(Point p) { return {p.y, p.x}; }

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::adopt_orphans(); }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
};

TEST_F(PoolTest, ApplyAsyncMapStarmapAndImapUnorderedReturnResults) {
  Pool pool(2);
  auto r = pool.apply_async(square, 7);
  EXPECT_EQ(r.get(), 49);
  EXPECT_TRUE(r.ready());
  EXPECT_TRUE(r.successful());
  std::vector<int> items{1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(pool.map(square, items), (std::vector<int>{1, 4, 9, 16, 25, 36, 49}));
  EXPECT_EQ(pool.map(square, items, 3), (std::vector<int>{1, 4, 9, 16, 25, 36, 49}));
  EXPECT_EQ(pool.starmap(add, std::vector<std::tuple<int, int>>{{1, 2}, {3, 4}}),
            (std::vector<int>{3, 7}));
  auto stream = pool.imap_unordered(square, items);
  std::multiset<int> got;
  while (auto v = stream.next()) got.insert(*v);
  EXPECT_EQ(got, (std::multiset<int>{1, 4, 9, 16, 25, 36, 49}));
  EXPECT_EQ(pool.apply_async(swap_point, Point{1, 2}).get().x, 2);
  pool.close();
  pool.join();
}

TEST_F(PoolTest, TasksRunInOtherProcesses) {
  Pool pool(2);
  const int worker = pool.apply_async(my_pid, 0).get();
  EXPECT_NE(worker, ::getpid());
  const auto pids = pool.worker_pids();
  EXPECT_NE(std::find(pids.begin(), pids.end(), worker), pids.end());
}

TEST_F(PoolTest, AnExceptionInATaskBecomesRemoteError) {
  Pool pool(1);
  auto r = pool.apply_async(throws, 1);
  try {
    r.get();
    FAIL() << "no exception";
  } catch (const RemoteError& e) {
    EXPECT_EQ(e.type(), "std::invalid_argument");
    EXPECT_NE(std::string(e.what()).find("bad input 42"), std::string::npos);
  }
  EXPECT_FALSE(r.successful());
  EXPECT_EQ(pool.apply_async(square, 3).get(), 9) << "the worker carries on";
}

TEST_F(PoolTest, AWorkerDyingMidTaskFailsOnlyThatTaskAndIsReplaced) {
  Pool pool(2);
  std::vector<AsyncResult<int>> fine;
  for (int i = 0; i < 8; ++i) fine.push_back(pool.apply_async(square, i));
  const char* causes[] = {"SIGSEGV", "SIGABRT", "SIGKILL", "code 7"};
  for (int how = 0; how < 4; ++how) {
    auto r = pool.apply_async(dies, how);
    try {
      r.get();
      FAIL() << "no exception for cause " << how;
    } catch (const WorkerCrashed& e) {
      EXPECT_NE(std::string(e.what()).find(causes[how]), std::string::npos) << e.what();
    }
  }
  for (int i = 0; i < 8; ++i) EXPECT_EQ(fine[i].get(), i * i);
  EXPECT_EQ(pool.map(square, std::vector<int>{2, 3}), (std::vector<int>{4, 9}));
  EXPECT_EQ(pool.worker_pids().size(), 2u);
  pool.close();
  pool.join();
}

TEST_F(PoolTest, GetWithATimeoutThrowsTimeoutError) {
  Pool pool(1);
  auto r = pool.apply_async(sleeps, 100);
  EXPECT_THROW(r.get(std::chrono::milliseconds(50)), TimeoutError);
  EXPECT_FALSE(r.wait(std::chrono::milliseconds(10)));
  EXPECT_FALSE(r.ready());
  EXPECT_THROW(r.successful(), UsageError);
  pool.terminate();
  EXPECT_THROW(r.get(), Error) << "terminated, not hanging";
}

TEST_F(PoolTest, MisuseIsReported) {
  Pool pool(1);
  EXPECT_THROW(pool.join(), UsageError) << "joining an open pool";
  pool.close();
  EXPECT_THROW(pool.apply_async(square, 1), UsageError) << "submitting to a closed pool";
  pool.join();
}

TEST_F(PoolTest, TerminateStopsTasksInFlightAndLeavesNoSurvivors) {
  Pool pool(2);
  auto a = pool.apply_async(sleeps, 100);
  auto b = pool.apply_async(sleeps, 100);
  auto queued = pool.apply_async(sleeps, 100);
  ::usleep(100 * 1000);
  const auto started = std::chrono::steady_clock::now();
  pool.terminate();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_THROW(a.get(), Error);
  EXPECT_THROW(queued.get(), Error);
}

TEST_F(PoolTest, MaxTasksPerChildReplacesWorkers) {
  Pool pool(PoolOptions{.processes = 1, .maxtasksperchild = 2});
  std::set<int> pids;
  for (int i = 0; i < 6; ++i) pids.insert(pool.apply_async(my_pid, i).get());
  EXPECT_EQ(pids.size(), 3u);
  pool.close();
  pool.join();
}

TEST_F(PoolTest, TheInitializerRunsOncePerWorker) {
  testing::TempDir dir;
  {
    Pool pool(PoolOptions{.processes = 2, .initializer = initializer(record_start, dir.path())});
    std::set<int> used;
    for (int i = 0; i < 10; ++i) used.insert(pool.apply_async(my_pid, i).get());
    pool.close();
    pool.join();
    for (int pid : used)
      EXPECT_TRUE(std::filesystem::exists(dir.file("init-" + std::to_string(pid))));
  }
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 2u);
}

TEST_F(PoolTest, HundredMegabyteArgumentsAndResultsCross) {
  Pool pool(1);
  const std::string big(100u << 20, 'x');
  const std::string back = pool.apply_async(echo_size, big).get();
  EXPECT_EQ(back.size(), 50u << 20);
  EXPECT_EQ(back.front(), 'r');
}

TEST_F(PoolTest, BigChunksBothWaysDoNotDeadlock) {
  // 400 KiB chunks out and back while further tasks are prefetched: the manager must never sit
  // in a blocking send while a worker sits in one too.
  Pool pool(2);
  std::vector<int> items(800000);
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<int>(i);
  const auto squares = pool.map(square, items, 100000);
  ASSERT_EQ(squares.size(), items.size());
  EXPECT_EQ(squares[1000], 1000000);
}

TEST_F(PoolTest, TheDestructorTerminates) {
  std::vector<int> pids;
  {
    Pool pool(2);
    pool.apply_async(sleeps, 100);
    pids = pool.worker_pids();
  }
  for (int pid : pids) EXPECT_FALSE(testing::process_alive(pid));
}

}  // namespace
}  // namespace procpool
