// procpool::Pool: results and exceptions, crashes of every kind, timeouts, misuse, worker
// recycling, initializers, big payloads, terminate — and never a surviving process.
#include "procpool/pool.hpp"

#include <unistd.h>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "program_of_this_process.hpp"
#include "start_method_test.hpp"
#include "test_support.hpp"

namespace procpool {
namespace {

int square(int x) { return x * x; }
int add(int a, int b) { return a + b; }
int plus_one(int x) { return x + 1; }
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

// For the spawn start method, which finds tasks by name in a fresh copy of this program.
PROCPOOL_TASK(square);
PROCPOOL_TASK(add);
PROCPOOL_TASK(plus_one);
PROCPOOL_TASK(my_pid);
PROCPOOL_TASK(echo_size);
PROCPOOL_TASK(throws);
PROCPOOL_TASK(sleeps);
PROCPOOL_TASK(dies);
PROCPOOL_TASK(record_start);
PROCPOOL_TASK(swap_point);
int unregistered(int x) { return x; }

// Every test runs with both start methods: they must behave the same.
class PoolTest : public StartMethodTest {};

TEST_P(PoolTest, ApplyAsyncMapStarmapAndImapUnorderedReturnResults) {
  Pool pool(options(2));
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

TEST_P(PoolTest, TasksRunInOtherProcesses) {
  Pool pool(options(2));
  const int worker = pool.apply_async(my_pid, 0).get();
  EXPECT_NE(worker, ::getpid());
  const auto pids = pool.worker_pids();
  EXPECT_NE(std::find(pids.begin(), pids.end(), worker), pids.end());
}

TEST_P(PoolTest, AnExceptionInATaskBecomesRemoteError) {
  Pool pool(options(1));
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

TEST_P(PoolTest, AWorkerDyingMidTaskFailsOnlyThatTaskAndIsReplaced) {
  Pool pool(options(2));
  std::vector<AsyncResult<int>> fine;
  for (int i = 0; i < 8; ++i) fine.push_back(pool.apply_async(square, i));
  const char* causes[] = {"SIGSEGV", "SIGABRT", "SIGKILL", "exit 7"};
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

TEST_P(PoolTest, GetWithATimeoutThrowsTimeoutError) {
  Pool pool(options(1));
  auto r = pool.apply_async(sleeps, 100);
  EXPECT_THROW(r.get(std::chrono::milliseconds(50)), TimeoutError);
  EXPECT_FALSE(r.wait(std::chrono::milliseconds(10)));
  EXPECT_FALSE(r.ready());
  EXPECT_THROW(r.successful(), UsageError);
  pool.terminate();
  EXPECT_THROW(r.get(), Error) << "terminated, not hanging";
}

TEST_P(PoolTest, MisuseIsReported) {
  Pool pool(options(1));
  EXPECT_THROW(pool.join(), UsageError) << "joining an open pool";
  pool.close();
  EXPECT_THROW(pool.apply_async(square, 1), UsageError) << "submitting to a closed pool";
  pool.join();
}

TEST_P(PoolTest, TerminateStopsTasksInFlightAndLeavesNoSurvivors) {
  Pool pool(options(2));
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

TEST_P(PoolTest, MaxTasksPerChildReplacesWorkers) {
  PoolOptions with_limit = options(1);
  with_limit.maxtasksperchild = 2;
  Pool pool(with_limit);
  std::set<int> pids;
  for (int i = 0; i < 6; ++i) pids.insert(pool.apply_async(my_pid, i).get());
  EXPECT_EQ(pids.size(), 3u);
  pool.close();
  pool.join();
}

TEST_P(PoolTest, TheInitializerRunsOncePerWorker) {
  testing::TempDir dir;
  {
    PoolOptions with_init = options(2);
    with_init.initializer = initializer(record_start, dir.path());
    Pool pool(with_init);
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

TEST_P(PoolTest, HundredMegabyteArgumentsAndResultsCross) {
  Pool pool(options(1));
  const std::string big(100u << 20, 'x');
  const std::string back = pool.apply_async(echo_size, big).get();
  EXPECT_EQ(back.size(), 50u << 20);
  EXPECT_EQ(back.front(), 'r');
}

TEST_P(PoolTest, BigChunksBothWaysDoNotDeadlock) {
  // 400 KiB chunks out and back while further tasks are prefetched: the manager must never sit
  // in a blocking send while a worker sits in one too.
  Pool pool(options(2));
  std::vector<int> items(800000);
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<int>(i);
  const auto next = pool.map(plus_one, items, 100000);
  ASSERT_EQ(next.size(), items.size());
  EXPECT_EQ(next[799999], 800000);
}

TEST_P(PoolTest, TheDestructorTerminates) {
  std::vector<int> pids;
  {
    Pool pool(options(2));
    pool.apply_async(sleeps, 100);
    pids = pool.worker_pids();
  }
  for (int pid : pids) EXPECT_FALSE(testing::process_alive(pid));
}

// Every method takes the same callables: functions and captureless lambdas.
TEST_P(PoolTest, EveryMethodTakesAFunctionOrACapturelessLambda) {
  Pool pool(options(2));
  const std::vector<int> items{1, 2, 3};
  if (GetParam() == StartMethod::spawn) {  // a lambda has no name a spawned worker can find
    EXPECT_THROW(pool.map([](int x) { return 2 * x; }, items), UsageError);
    return;
  }
  EXPECT_EQ(pool.map([](int x) { return 2 * x; }, items), (std::vector<int>{2, 4, 6}));
  EXPECT_EQ(pool.starmap([](int a, int b) { return a * b; },
                         std::vector<std::tuple<int, int>>{{2, 3}, {4, 5}}),
            (std::vector<int>{6, 20}));
  auto stream = pool.imap_unordered([](int x) { return x + 10; }, items);
  std::multiset<int> got;
  while (auto v = stream.next()) got.insert(*v);
  EXPECT_EQ(got, (std::multiset<int>{11, 12, 13}));
  EXPECT_EQ(pool.apply_async([](int a, int b) { return a - b; }, 9, 4).get(), 5);
  std::atomic<bool> told{false};
  EXPECT_EQ(pool.apply_async_notify([&] { told = true; }, [](int x) { return -x; }, 3).get(), -3);
  // The notice runs on the manager thread, just after the result is set.
  for (int i = 0; i < 1000 && !told; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(told);
  EXPECT_EQ(pool.map(square, items), (std::vector<int>{1, 4, 9})) << "functions still";
  int factor = 3;
  auto captures = [factor](int x) { return factor * x; };
  static_assert(!detail::Task<decltype(captures)>, "a capturing lambda is no task");
  static_assert(detail::Task<decltype(&square)> && detail::Task<decltype(square)>);
  (void)captures;
}

TEST_P(PoolTest, SpawnNeedsRegisteredTasks) {
  Pool pool(options(1));
  if (GetParam() == StartMethod::spawn) {
    EXPECT_THROW(pool.apply_async(unregistered, 1), UsageError);
  } else {
    EXPECT_EQ(pool.apply_async(unregistered, 1).get(), 1) << "fork runs any plain function";
  }
}

INSTANTIATE_START_METHODS(PoolTest);

// PoolOptions::executable: spawned workers run another program (Python's set_executable).
class PoolExecutable : public ::testing::Test {
 protected:
  void SetUp() override { testing::adopt_orphans(); }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
  static PoolOptions running(std::string program) {
    return PoolOptions{.processes = 2,
                       .start_method = StartMethod::spawn,
                       .terminate_grace = std::chrono::milliseconds(300),
                       .executable = std::move(program)};
  }
};

TEST_F(PoolExecutable, SpawnedWorkersRunTheProgramItNames) {
  using testing_helper::program_of_this_process;
  const std::string other = std::filesystem::canonical(POOL_WORKER_PROGRAM).string();
  Pool pool(running(other));
  for (const std::string& served_by : pool.map(program_of_this_process, std::vector<int>{1, 2, 3}))
    EXPECT_EQ(served_by, other);
  pool.close();
  pool.join();
}

TEST_F(PoolExecutable, LeftEmptySpawnedWorkersRunThisProgram) {
  using testing_helper::program_of_this_process;
  Pool pool(running(""));
  EXPECT_EQ(pool.apply_async(program_of_this_process, 0).get(),
            std::filesystem::canonical("/proc/self/exe").string());
}

TEST_F(PoolExecutable, NeedsTheSpawnStartMethod) {
  PoolOptions forked = running(POOL_WORKER_PROGRAM);
  forked.start_method = StartMethod::fork;
  EXPECT_THROW(Pool{forked}, UsageError);
}

TEST_F(PoolExecutable, AProgramThatCannotStartIsAnErrorAtOnce) {
  try {
    Pool pool(running("/nonexistent/procpool-worker"));
    FAIL() << "a pool of a program that does not exist was made";
  } catch (const UsageError&) {
    FAIL() << "not a usage error: the system refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start"), std::string::npos) << e.what();
  }
}

TEST_F(PoolExecutable, AProgramThatDoesNotServeFailsItsTasksInsteadOfHanging) {
  // /bin/true exits at once, never serving: the pool gives up after two such deaths in a row.
  Pool pool(running("/bin/true"));
  auto result = pool.apply_async(testing_helper::program_of_this_process, 0);
  EXPECT_THROW(result.get(std::chrono::seconds(30)), WorkerCrashed);
}

}  // namespace
}  // namespace procpool

// The guard every program using the spawn start method needs, first thing in main.
int main(int argc, char** argv) {
  if (auto code = procpool::run_worker_if_requested()) return *code;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
