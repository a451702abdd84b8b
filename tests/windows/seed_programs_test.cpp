// The seed's two programs (examples/multiprocessing_*.cpp), built for Windows, print under Wine
// what they print on Linux; a program without the guard fails its task instead of storming.
// Each runs as a real child in a job of its own, so nothing it starts outlives its test.
#include <string>

#include <gtest/gtest.h>

#include "windows_cli.hpp"

namespace procpool {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(WindowsSeedPrograms, TheProcessProgramPrintsWhatItPrintsOnLinux) {
  const auto ran =
      windows_testing::run_program({std::string(EXAMPLES_DIR) + "\\multiprocessing_process.exe"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  const auto lines = windows_testing::lines_of(ran.out);
  ASSERT_EQ(lines.size(), 4u) << ran.out;
  EXPECT_EQ(lines[0].rfind("Parent process ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1], "Child process will start.");
  EXPECT_EQ(lines[2].rfind("Run child process test (", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], "Child process end.");
  EXPECT_NE(lines[0].substr(15), lines[2].substr(24)) << "the child has a pid of its own";
}

TEST(WindowsSeedPrograms, ThePoolProgramRunsFiveTasksOnFourWorkers) {
  const auto ran =
      windows_testing::run_program({std::string(EXAMPLES_DIR) + "\\multiprocessing_pool.exe"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(count(ran.out, "Parent process "), 1u) << ran.out;
  EXPECT_EQ(count(ran.out, "Waiting for all subprocesses done..."), 1u) << ran.out;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(count(ran.out, "Run task " + std::to_string(i) + " ("), 1u) << ran.out;
    EXPECT_EQ(count(ran.out, "Task " + std::to_string(i) + " runs "), 1u) << ran.out;
  }
  EXPECT_EQ(windows_testing::lines_of(ran.out).back(), "All subprocesses done.") << ran.out;
}

// A program whose main() lacks the guard: its workers refuse to make pools of their own (no
// storm), the pool gives up after two, and the task fails saying what to add.
TEST(WindowsSeedPrograms, AProgramWithoutTheGuardFailsItsTasksInsteadOfStorming) {
  const auto ran = windows_testing::run_program({PROGRAM_WITHOUT_GUARD});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("error: procpool::Pool: the workers run main() instead of serving"),
            std::string::npos)
      << ran.out << ran.err;
  EXPECT_NE(ran.err.find("main() must begin with"), std::string::npos) << ran.err;
  EXPECT_LE(count(ran.err, "main() in "), 6u) << ran.err;
}

}  // namespace
}  // namespace procpool
