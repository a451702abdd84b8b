// The process layer on its own: one Child per test, driven by the helper program.
#include "procpool/runner/process/child.hpp"

#include <csignal>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <sys/wait.h>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace procpool::process {
namespace {

using procpool::testing::helper_binary;

class ChildTest : public ::testing::Test {
 protected:
  void SetUp() override { procpool::testing::adopt_orphans(); }
  void TearDown() override {
    EXPECT_EQ(procpool::testing::surviving_descendants(), std::vector<int>{});
  }

  AttemptResult run(std::vector<std::string> argv, ChildOptions options = {}) {
    boost::asio::io_context io;
    AttemptResult result;
    bool done = false;
    SpawnRequest request;
    request.argv = std::move(argv);
    Child::start(io, request, std::move(options), [&](AttemptResult r) {
      result = std::move(r);
      done = true;
    });
    io.run();
    EXPECT_TRUE(done);
    return result;
  }
};

TEST_F(ChildTest, CapturesStdoutAndStderrSeparately) {
  auto r = run({helper_binary(), "print", "out", "eprint", "err", "exit", "4"});
  EXPECT_EQ(r.outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(r.outcome.exit_code, 4);
  EXPECT_EQ(r.out->str(), "out\n");
  EXPECT_EQ(r.err->str(), "err\n");
  EXPECT_GT(r.pid, 0);
}

// CTest's way: one pipe, so the order between the streams is the order written (two pipes
// give "two" before "one" or after "three", whichever is read first).
TEST_F(ChildTest, OnePipeKeepsTheOrderTheStreamsWereWrittenIn) {
  ChildOptions options;
  options.one_pipe = true;
  auto r = run({"/bin/sh", "-c", "echo one >&2; echo two; echo three >&2"}, std::move(options));
  EXPECT_EQ(r.out->str(), "one\ntwo\nthree\n");
  EXPECT_EQ(r.err->str(), "");
}

// The listing that checks a remembered one runs this way, so as to take the processor time
// the tests leave. Set after exec: the child reads its niceness a little later (coreutils' nice
// with no command prints it).
TEST_F(ChildTest, ABackgroundChildRunsAtTheLowestPriority) {
  ChildOptions options;
  options.background = true;
  EXPECT_EQ(run({"/bin/sh", "-c", "sleep 0.3; exec nice"}, options).out->str(), "19\n");
  EXPECT_EQ(run({"/bin/sh", "-c", "sleep 0.3; exec nice"}).out->str(), "0\n");
}

TEST_F(ChildTest, TellsASignalFromAnExitCode) {
  EXPECT_EQ(run({helper_binary(), "crash", "segv"}).outcome.signal, SIGSEGV);
  auto exit9 = run({helper_binary(), "exit", "9"});
  EXPECT_EQ(exit9.outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(exit9.outcome.signal, 0);
}

TEST_F(ChildTest, ReportsWhyItCouldNotStart) {
  auto r = run({"/nonexistent/program"});
  EXPECT_EQ(r.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_EQ(r.outcome.error, "No such file or directory: /nonexistent/program");
}

TEST_F(ChildTest, ReportsABadWorkingDirectory) {
  boost::asio::io_context io;
  SpawnRequest request;
  request.argv = {"/bin/true"};
  request.working_dir = "/nonexistent-dir";
  AttemptResult result;
  Child::start(io, request, {}, [&](AttemptResult r) { result = std::move(r); });
  io.run();
  EXPECT_EQ(result.outcome.kind, OutcomeKind::failed_to_start);
  EXPECT_NE(result.outcome.error.find("working directory /nonexistent-dir"), std::string::npos);
}

TEST_F(ChildTest, ChildrenInheritNoDescriptorsBeyondTheStandardThree) {
  auto r = run({"/bin/sh", "-c", "ls /proc/self/fd"});
  // sh's own listing: 0 1 2 and the directory descriptor ls opened (3).
  EXPECT_EQ(r.out->str(), "0\n1\n2\n3\n");
}

TEST_F(ChildTest, TimeoutStopsTheWholeGroupInSteps) {
  procpool::testing::TempDir dir;
  ::setenv("PP_PIDFILE", dir.file("pids").c_str(), 1);
  ChildOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.stop = StopPolicy::graceful(std::chrono::milliseconds(200));
  const auto started = std::chrono::steady_clock::now();
  auto r = run({helper_binary(), "ignore-term", "spawn-grandchild", "sleep", "100"}, options);
  ::unsetenv("PP_PIDFILE");
  EXPECT_EQ(r.outcome.kind, OutcomeKind::timed_out);
  EXPECT_EQ(r.outcome.signal, SIGKILL) << "it ignored SIGTERM, so SIGKILL ended it";
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  std::istringstream pids(procpool::testing::read_file(dir.file("pids")));
  int count = 0;
  for (int pid; pids >> pid; ++count) EXPECT_FALSE(procpool::testing::process_alive(pid)) << pid;
  EXPECT_EQ(count, 2);
}

TEST_F(ChildTest, StopCancelsARunningChild) {
  boost::asio::io_context io;
  SpawnRequest request;
  request.argv = {helper_binary(), "sleep", "100"};
  AttemptResult result;
  auto child = Child::start(io, request, {}, [&](AttemptResult r) { result = std::move(r); });
  boost::asio::post(io, [&] { child->stop(StopPolicy::graceful(std::chrono::seconds(5))); });
  io.run();
  EXPECT_EQ(result.outcome.kind, OutcomeKind::cancelled);
  EXPECT_EQ(result.outcome.signal, SIGTERM);
}

TEST_F(ChildTest, DestroyingARunningChildKillsAndReapsIt) {
  int pid = 0;
  {
    boost::asio::io_context io;
    SpawnRequest request;
    request.argv = {helper_binary(), "sleep", "100"};
    auto child = Child::start(io, request, {}, [](AttemptResult) {});
    pid = child->pid();
    io.run_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(procpool::testing::process_alive(pid));
  }  // the io_context and its pending handlers go; they held the last reference
  EXPECT_FALSE(procpool::testing::process_alive(pid));
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1) << "already reaped";
}

TEST_F(ChildTest, ReportsSlowTasks) {
  ChildOptions options;
  std::vector<std::chrono::milliseconds> notices;
  options.slow_after = std::chrono::milliseconds(100);
  options.on_slow = [&](std::chrono::milliseconds elapsed) { notices.push_back(elapsed); };
  run({helper_binary(), "sleep", "0.35"}, options);
  // At every 100 ms while it runs: at least at 100, 200 and 300 ms (more when a loaded machine
  // starts the helper late), each no earlier than its multiple.
  ASSERT_GE(notices.size(), 3u);
  for (std::size_t i = 0; i < notices.size(); ++i) {
    EXPECT_GE(notices[i].count(), static_cast<long>(100 * (i + 1))) << "notice " << i;
  }
}

TEST_F(ChildTest, TheLeaderStaysUnreapedUntilWhatItLeftIsStopped) {
  // The leader exits at once; its grandchild holds the output. While the runner waits for the
  // output to close (leak_wait), the leader must still be a zombie: reaped, its pid (and so its
  // group's id) could go to another process, and our SIGKILL to the group with it.
  boost::asio::io_context io;
  SpawnRequest request;
  request.argv = {helper_binary(), "spawn-grandchild"};
  ChildOptions options;
  options.leak_wait = std::chrono::milliseconds(500);
  AttemptResult result;
  auto child = Child::start(io, request, options, [&](AttemptResult r) { result = std::move(r); });
  const int leader = child->pid();
  io.run_for(std::chrono::milliseconds(250));
  std::ifstream stat("/proc/" + std::to_string(leader) + "/stat");
  std::string text;
  std::getline(stat, text);
  ASSERT_FALSE(text.empty()) << "the leader's pid is already free";
  EXPECT_EQ(text[text.rfind(')') + 2], 'Z') << text;
  io.run();
  EXPECT_TRUE(result.outcome.leaked);
  EXPECT_EQ(::waitpid(leader, nullptr, WNOHANG), -1) << "reaped in the end";
}

TEST_F(ChildTest, TheProgramIsLookedUpInTheTasksOwnPath) {
  procpool::testing::TempDir dir;
  const std::string tool = dir.file("only-here");
  procpool::testing::write_file(tool, "#!/bin/sh\necho found\n");
  ::chmod(tool.c_str(), 0755);
  boost::asio::io_context io;
  SpawnRequest request;
  request.argv = {"only-here"};
  request.env = {{"PATH", dir.path() + ":/usr/bin:/bin"}};
  AttemptResult result;
  Child::start(io, request, {}, [&](AttemptResult r) { result = std::move(r); });
  io.run();
  EXPECT_EQ(result.outcome.kind, OutcomeKind::passed) << result.outcome.error;
  EXPECT_EQ(result.out->str(), "found\n");
}

}  // namespace
}  // namespace procpool::process
