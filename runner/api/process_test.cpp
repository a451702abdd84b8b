// procpool::Process: every path of its life, and no survivors.
#include "procpool/process.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace procpool {
namespace {

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::adopt_orphans(); }
  void TearDown() override { EXPECT_EQ(testing::surviving_descendants(), std::vector<int>{}); }
};

TEST_F(ProcessTest, RunsTheTargetWithItsArgumentsInAChild) {
  testing::TempDir dir;
  const pid_t parent = ::getpid();
  Process p(
      [parent](const std::string& path, int n) {
        testing::write_file(path,
                            std::to_string(n) + (::getpid() != parent ? " child" : " parent"));
      },
      dir.file("out"), 42);
  EXPECT_EQ(p.pid(), -1);
  EXPECT_EQ(p.exitcode(), std::nullopt);
  p.start();
  EXPECT_GT(p.pid(), 0);
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_FALSE(p.is_alive());
  EXPECT_EQ(testing::read_file(dir.file("out")), "42 child");
}

TEST_F(ProcessTest, AThrowingTargetExitsWithOne) {
  Process p([] { throw std::runtime_error("boom"); });
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), 1);
}

TEST_F(ProcessTest, ExitCodesAndSignalsAreTold) {
  Process exits([] { ::_exit(3); });
  exits.start();
  exits.join();
  EXPECT_EQ(exits.exitcode(), 3);
  Process crashes([] {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
  });
  crashes.start();
  crashes.join();
  EXPECT_EQ(crashes.exitcode(), -SIGSEGV);
}

TEST_F(ProcessTest, JoinWithATimeoutReturnsWhileItRuns) {
  Process p([] { ::sleep(100); });
  p.start();
  EXPECT_FALSE(p.join(std::chrono::milliseconds(50)));
  EXPECT_TRUE(p.is_alive());
  EXPECT_EQ(p.exitcode(), std::nullopt);
  p.terminate();
  EXPECT_EQ(p.exitcode(), -SIGTERM);
}

TEST_F(ProcessTest, TerminateEscalatesToKillAfterTheGrace) {
  Process p([] {
    std::signal(SIGTERM, SIG_IGN);
    ::sleep(100);
  });
  p.start();
  ::usleep(50 * 1000);  // let it ignore SIGTERM first
  p.terminate(std::chrono::milliseconds(100));
  EXPECT_EQ(p.exitcode(), -SIGKILL);
}

TEST_F(ProcessTest, KillKillsAtOnce) {
  Process p([] { ::sleep(100); });
  p.start();
  p.kill();
  EXPECT_EQ(p.exitcode(), -SIGKILL);
}

TEST_F(ProcessTest, DestroyingAStartedProcessStopsAndReapsIt) {
  int pid = 0;
  {
    Process p([] { ::sleep(100); });
    p.start();
    pid = p.pid();
  }
  EXPECT_FALSE(testing::process_alive(pid));
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1) << "already reaped";
}

// Targets for the spawn start method: registered by name, since the child is this program
// started again (api_test's main() begins with the guard).
int g_set_before_start = 0;  // a forked child sees what the parent set; a spawned one does not

void write_what_the_child_sees(std::string path, int n) {
  testing::write_file(path, std::to_string(n) + " " + std::to_string(::getpid()) + " " +
                                std::to_string(g_set_before_start));
}
PROCPOOL_TASK(write_what_the_child_sees);

void throw_boom() { throw std::runtime_error("boom"); }
PROCPOOL_TASK(throw_boom);

void exit_with(int code) { ::_exit(code); }
PROCPOOL_TASK(exit_with);

void sleep_seconds(int seconds) { ::sleep(seconds); }
PROCPOOL_TASK(sleep_seconds);

void write_size(std::string path, std::string bytes) {
  testing::write_file(path, std::to_string(bytes.size()));
}
PROCPOOL_TASK(write_size);

void not_registered() {}

TEST_F(ProcessTest, SpawnRunsARegisteredTargetInThisProgramStartedAgain) {
  testing::TempDir dir;
  g_set_before_start = 7;
  Process spawned(StartMethod::spawn, write_what_the_child_sees, dir.file("spawn"), 42);
  spawned.start();
  spawned.join();
  Process forked(StartMethod::fork, write_what_the_child_sees, dir.file("fork"), 42);
  forked.start();
  forked.join();
  g_set_before_start = 0;
  EXPECT_EQ(spawned.exitcode(), 0);
  EXPECT_EQ(testing::read_file(dir.file("spawn")), "42 " + std::to_string(spawned.pid()) + " 0")
      << "a new program: it has not seen what the parent set";
  EXPECT_EQ(testing::read_file(dir.file("fork")), "42 " + std::to_string(forked.pid()) + " 7");
  EXPECT_NE(spawned.pid(), ::getpid());
}

TEST_F(ProcessTest, ASpawnedChildEndsAsAForkedOneDoes) {
  Process throws(StartMethod::spawn, throw_boom);
  throws.start();
  throws.join();
  EXPECT_EQ(throws.exitcode(), 1);
  Process exits(StartMethod::spawn, exit_with, 3);
  exits.start();
  exits.join();
  EXPECT_EQ(exits.exitcode(), 3);
  Process sleeps(StartMethod::spawn, sleep_seconds, 100);
  sleeps.start();
  EXPECT_FALSE(sleeps.join(std::chrono::milliseconds(50)));
  sleeps.terminate();
  EXPECT_EQ(sleeps.exitcode(), -SIGTERM);
  int pid = 0;
  {
    Process destroyed(StartMethod::spawn, sleep_seconds, 100);
    destroyed.start();
    pid = destroyed.pid();
  }
  EXPECT_FALSE(testing::process_alive(pid));
}

TEST_F(ProcessTest, BigArgumentsReachASpawnedChild) {
  testing::TempDir dir;
  Process p(StartMethod::spawn, write_size, dir.file("size"), std::string(20 << 20, 'x'));
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(testing::read_file(dir.file("size")), std::to_string(20 << 20));
}

TEST_F(ProcessTest, SpawnRefusesAnUnregisteredTarget) {
  Process p(StartMethod::spawn, not_registered);
  try {
    p.start();
    ADD_FAILURE() << "started";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("PROCPOOL_TASK"), std::string::npos) << e.what();
  }
  EXPECT_EQ(p.pid(), -1) << "nothing started";
}

TEST_F(ProcessTest, MisuseIsAnError) {
  Process p([] {});
  EXPECT_THROW(p.join(), UsageError);
  p.start();
  EXPECT_THROW(p.start(), UsageError);
  p.join();
}

// The seed's two programs, their stdout a file and then a pipe (both fully buffered, where a
// careless fork copies unflushed output): every line appears exactly once.
std::string output_through_file(const std::string& program) {
  testing::TempDir dir;
  EXPECT_EQ(std::system(("'" + program + "' > '" + dir.file("out") + "'").c_str()), 0);
  return testing::read_file(dir.file("out"));
}

std::string output_through_pipe(const std::string& program) {
  std::string text;
  FILE* pipe = ::popen(("'" + program + "'").c_str(), "r");
  char buffer[4096];
  for (std::size_t n; pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    text.append(buffer, n);
  EXPECT_EQ(pipe ? ::pclose(pipe) : -1, 0);
  return text;
}

std::size_t count(const std::string& text, const std::string& line) {
  std::size_t n = 0;
  for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) ++n;
  return n;
}

TEST_F(ProcessTest, BufferedOutputIsNeverPrintedTwice) {
  for (const std::string& text : {output_through_file(MULTIPROCESSING_PROCESS_EXAMPLE),
                                  output_through_pipe(MULTIPROCESSING_PROCESS_EXAMPLE)}) {
    EXPECT_EQ(count(text, "Parent process "), 1u) << text;
    EXPECT_EQ(count(text, "Child process will start."), 1u) << text;
    EXPECT_EQ(count(text, "Run child process test ("), 1u) << text;
    EXPECT_EQ(count(text, "Child process end."), 1u) << text;
  }
}

TEST_F(ProcessTest, ThePoolExampleIsNotDuplicatedEither) {
  for (const std::string& text : {output_through_file(MULTIPROCESSING_POOL_EXAMPLE),
                                  output_through_pipe(MULTIPROCESSING_POOL_EXAMPLE)}) {
    EXPECT_EQ(count(text, "Parent process "), 1u) << text;
    EXPECT_EQ(count(text, "Run task "), 5u) << text;
    EXPECT_EQ(count(text, " runs "), 5u) << text;
    EXPECT_EQ(count(text, "Waiting for all subprocesses done..."), 1u) << text;
    EXPECT_EQ(count(text, "All subprocesses done."), 1u) << text;
  }
}

}  // namespace
}  // namespace procpool
