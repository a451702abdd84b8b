// procpool::Process: every path of its life, and no survivors.
#include "procpool/process.hpp"

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
