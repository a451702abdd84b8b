// The test console's writes: with defer_writes, the lines of one turn of the event loop wait for
// it to end and go out together, in order; the run's summary is written before the run ends.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "procpool/runner/report/suite_console_reporter.hpp"
#include "test_support.hpp"

namespace procpool::report {
namespace {

using procpool::testing::read_file;
using procpool::testing::TempDir;

class SuiteConsoleWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("console.txt");
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd_, 0);
    for (const char* name : {"a", "b", "c"}) {
      TaskSpec spec;
      spec.name = name;
      spec.test = TestIdentity{"/build/unit", "S", name};
      specs_.push_back(spec);
    }
    result_.outcome = Outcome::exited(0);
    result_.out = std::make_shared<Capture>();
    result_.err = std::make_shared<Capture>();
  }
  void TearDown() override { ::close(fd_); }
  SuiteConsoleOptions options() const {
    SuiteConsoleOptions o;
    o.out_fd = fd_;
    o.err_fd = fd_;
    return o;
  }
  void finish(SuiteConsoleReporter& console, std::size_t index) {
    console.on_task_finished(TaskFinished{index, &specs_[index], 1, false, &result_});
  }
  std::string written() { return read_file(path_); }

  TempDir dir_;
  std::string path_;
  int fd_ = -1;
  std::vector<TaskSpec> specs_;
  AttemptResult result_;
};

TEST_F(SuiteConsoleWrites, LinesOfOneTurnWaitForItsEndAndGoOutTogetherInOrder) {
  SuiteConsoleReporter console(options());
  std::vector<std::function<void()>> posted;
  console.defer_writes([&](std::function<void()> write) { posted.push_back(std::move(write)); });
  console.on_run_started(RunStarted{.total_tasks = 3, .jobs = 2});
  for (std::size_t i = 0; i < 3; ++i) finish(console, i);
  EXPECT_EQ(written(), "") << "nothing before the turn ends";
  ASSERT_EQ(posted.size(), 1u) << "one write for the turn";
  posted.front()();
  const std::string text = written();
  const auto a = text.find("[       OK ] S.a");
  const auto b = text.find("[       OK ] S.b");
  const auto c = text.find("[       OK ] S.c");
  EXPECT_NE(text.find("Running 3 tests"), std::string::npos) << text;
  ASSERT_NE(c, std::string::npos) << text;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);

  // The summary needs no later turn: the run may be over.
  RunSummary summary;
  summary.total = summary.passed = 3;
  console.on_run_finished(RunFinished{&summary});
  EXPECT_NE(written().find("[  PASSED  ] 3 tests."), std::string::npos) << written();
}

TEST_F(SuiteConsoleWrites, WithoutDeferringEachLineIsWrittenAtOnce) {
  SuiteConsoleReporter console(options());
  console.on_run_started(RunStarted{.total_tasks = 3, .jobs = 2});
  finish(console, 0);
  EXPECT_NE(written().find("[       OK ] S.a"), std::string::npos) << written();
}

}  // namespace
}  // namespace procpool::report
