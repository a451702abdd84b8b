// A GoogleTest program for procpool.exe gtest under Wine: the verdicts a runner must get right
// on Windows, including the ones a test could forge or a runner could miss. Its own main(), for
// a global environment that can crash in its tear-down.
#include <windows.h>

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

TEST(Plain, Passes) { EXPECT_EQ(1 + 1, 2); }
TEST(Plain, AlsoPasses) { SUCCEED(); }
TEST(Plain, FailsAnAssertion) { EXPECT_EQ(1, 2) << "marker-assertion"; }
TEST(Plain, Skips) { GTEST_SKIP() << "not here"; }
TEST(Plain, DISABLED_NeverRuns) { FAIL(); }

TEST(Crash, AccessViolation) { *static_cast<volatile int*>(nullptr) = 1; }
TEST(Crash, Aborts) { std::abort(); }
TEST(Crash, ExitsZeroMidTest) { std::exit(0); }

// Prints gtest's own pass line for itself, then crashes: only the process's end tells the truth.
TEST(Forged, OkLineThenCrash) {
  std::printf("[       OK ] Forged.OkLineThenCrash (0 ms)\n");
  std::fflush(stdout);
  ::RaiseException(EXCEPTION_INT_DIVIDE_BY_ZERO, 0, 0, nullptr);
}

TEST(Slow, Sleeps) {
  ::Sleep(static_cast<DWORD>(
      std::atoi(std::getenv("WIN_FIXTURE_SLEEP_MS") ? std::getenv("WIN_FIXTURE_SLEEP_MS") : "10")));
}

// WIN_FIXTURE_TEARDOWN_CRASH=1: every test passes, then the program crashes after them all.
class CrashingTearDown : public ::testing::Environment {
 public:
  void TearDown() override {
    if (std::getenv("WIN_FIXTURE_TEARDOWN_CRASH")) *static_cast<volatile int*>(nullptr) = 1;
  }
};

int main(int argc, char** argv) {
  ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new CrashingTearDown);
  return RUN_ALL_TESTS();
}
