// GtestExecutor as a decorator: a test run alone hands its process's start (with the stop) and
// its output on to the observer above it, as every executor does; it used to drop both, so a
// decorator above it (a watch of the output, a per-attempt stop) never heard of them.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>

#include "procpool/adapters/gtest/gtest_executor.hpp"

namespace procpool::gtest {
namespace {

namespace fs = std::filesystem;

// Plays a passing test's process: its start, gtest's console lines, its end.
class PlayedProcess final : public schedule::Executor {
 public:
  explicit PlayedProcess(boost::asio::io_context& io) : io_(io) {}
  void start(const schedule::Launch& launch, schedule::Observer observer) override {
    argv = launch.command().argv;
    boost::asio::post(io_, [this, observer] {
      observer->started([this](OutcomeKind as) { stopped_as = as; });
      const std::string console =
          "Note: Google Test filter = Suite.Test\n"
          "[==========] Running 1 test from 1 test suite.\n"
          "[----------] Global test environment set-up.\n"
          "[----------] 1 test from Suite\n"
          "[ RUN      ] Suite.Test\n"
          "[       OK ] Suite.Test (0 ms)\n"
          "[----------] 1 test from Suite (0 ms total)\n\n"
          "[----------] Global test environment tear-down\n"
          "[==========] 1 test from 1 test suite ran. (0 ms total)\n"
          "[  PASSED  ] 1 test.\n";
      observer->output(1, console);
      AttemptResult result;
      result.outcome = Outcome::exited(0);
      auto out = std::make_shared<Capture>();
      out->append(console);
      result.out = out;
      result.err = std::make_shared<Capture>();
      observer->done(std::move(result));
    });
  }
  void stop_all(schedule::StopMode) override {}
  std::vector<std::string> argv;
  std::optional<OutcomeKind> stopped_as;

 private:
  boost::asio::io_context& io_;
};

struct Heard final : schedule::AttemptObserver {
  schedule::StopAttempt stop;
  std::string text;
  std::optional<AttemptResult> result;
  void started(schedule::StopAttempt s) override { stop = std::move(s); }
  void output(int, std::string_view bytes) override { text.append(bytes); }
  void done(AttemptResult r) override { result = std::move(r); }
};

TEST(GtestExecutor, ATestAloneHandsItsStartAndOutputToTheObserverAbove) {
  const fs::path root =
      fs::temp_directory_path() / ("gtest-executor-test-" + std::to_string(::getpid()));
  fs::create_directories(root / "results");
  boost::asio::io_context io;
  PlayedProcess processes(io);
  GtestExecutorOptions options;
  options.temp_root = root.string();
  options.results_dir = (root / "results").string();
  options.console_programs = {"./unit"};  // its console is read: no stream to listen on
  GtestExecutor executor(io, processes, options);

  TaskSpec task;
  task.command.argv = {"./unit"};
  task.test = TestIdentity{"./unit", "Suite", "Test"};
  task.batch_member = "Suite.Test";
  schedule::Launch launch;
  launch.spec = &task;
  auto heard = std::make_shared<Heard>();
  executor.start(launch, heard);
  io.run();

  ASSERT_TRUE(heard->result.has_value());
  EXPECT_EQ(heard->result->outcome.kind, OutcomeKind::passed) << describe(heard->result->outcome);
  EXPECT_NE(heard->text.find("[       OK ] Suite.Test"), std::string::npos) << heard->text;
  ASSERT_TRUE(heard->stop) << "the process's stop was not handed on";
  heard->stop(OutcomeKind::cancelled);
  EXPECT_EQ(processes.stopped_as, OutcomeKind::cancelled);
  EXPECT_NE(std::find(processes.argv.begin(), processes.argv.end(), "--gtest_filter=Suite.Test"),
            processes.argv.end());
  fs::remove_all(root);
}

}  // namespace
}  // namespace procpool::gtest
