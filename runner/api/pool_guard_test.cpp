// A program using the spawn start method without the run_worker_if_requested() guard, and
// workers that die before they are ready: the pool refuses, stops starting workers and fails
// its tasks with the reason — it never replaces dying workers for ever, and never storms.
// The unguarded program runs inside a PID namespace with a hard time limit, so a regression
// (an exponential process storm) stays in the namespace and is killed with it.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "procpool/pool.hpp"
#include "start_method_test.hpp"
#include "test_support.hpp"

namespace procpool {
namespace {

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

bool pid_namespaces_allowed() {
  return std::system("unshare --pid --fork --kill-child true > /dev/null 2>&1") == 0;
}

// The program, alone in a PID namespace (it is its init: when it ends, or the time limit kills
// it, every process it made dies with the namespace).
Ran run_in_pid_namespace(const std::string& mode) {
  testing::TempDir dir;
  const std::string command = "timeout -s KILL 20 unshare --pid --fork --kill-child '" +
                              std::string(PROGRAM_WITHOUT_GUARD) + "' " + mode + " > '" +
                              dir.file("out") + "' 2> '" + dir.file("err") + "'";
  Ran ran;
  ran.status = std::system(command.c_str());
  ran.out = testing::read_file(dir.file("out"));
  ran.err = testing::read_file(dir.file("err"));
  return ran;
}

std::size_t count(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

class PoolGuard : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!pid_namespaces_allowed()) GTEST_SKIP() << "unshare --pid is not allowed here";
    testing::adopt_orphans();
  }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
};

TEST_P(PoolGuard, AMissingGuardFailsTheTaskInWordsInsteadOfAProcessStorm) {
  const Ran ran = run_in_pid_namespace(GetParam());
  // It ended by itself (the time limit's SIGKILL would make the status non-zero).
  EXPECT_EQ(ran.status, 0) << ran.err.substr(0, 4000);
  EXPECT_NE(ran.out.find("error: procpool::Pool: the workers run main() instead of serving"),
            std::string::npos)
      << ran.out;
  EXPECT_NE(ran.out.find("run_worker_if_requested()"), std::string::npos) << ran.out;
  // Each refusing worker says why, naming the guard.
  EXPECT_NE(ran.err.find("main() must begin with"), std::string::npos) << ran.err.substr(0, 4000);
  // The program, its four workers and at most one replacement: the second worker that dies
  // before it is ready stops the pool.
  EXPECT_LE(count(ran.err, "main() in "), 6u) << ran.err.substr(0, 4000);
}

INSTANTIATE_TEST_SUITE_P(MainMakes, PoolGuard, ::testing::Values("pool", "process-first"),
                         [](const auto& info) {
                           return info.param == "pool" ? std::string("APoolFirst")
                                                       : std::string("AProcessFirst");
                         });

void failing_initializer() { throw std::runtime_error("no database"); }
int twice(int x) { return 2 * x; }
PROCPOOL_TASK(failing_initializer);
PROCPOOL_TASK(twice);

// A worker whose initializer fails leaves before it is ready; the pool used to start another
// in its place for ever (so did CPython's). Two such deaths in a row stop the pool, and the
// task fails saying so.
class PoolStart : public StartMethodTest {};

TEST_P(PoolStart, WorkersThatCannotStartStopThePoolAndFailItsTasks) {
  PoolOptions failing_start = options(2);
  failing_start.initializer = initializer(failing_initializer);
  Pool pool(failing_start);
  auto result = pool.apply_async(twice, 21);
  try {
    result.get();
    ADD_FAILURE() << "the task ran although no worker could start";
  } catch (const WorkerCrashed& e) {
    EXPECT_NE(std::string(e.what()).find("two workers in a row died before they were ready"),
              std::string::npos)
        << e.what();
  }
  pool.close();
  pool.join();
}

INSTANTIATE_START_METHODS(PoolStart);

}  // namespace
}  // namespace procpool
