// The library on Windows (under Wine in CI): Process and Pool with the spawn start method, the
// default there, behave as on Linux — results, exceptions, crashes told as exception codes,
// replacement of a crashed worker, terminate, the initializer, maxtasksperchild, big data — and
// nothing they start outlives them. (The seed's two programs: seed_programs_test.cpp.)
#include <windows.h>
// after windows.h
#include <tlhelp32.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "procpool/procpool.hpp"
#include "program_of_this_process.hpp"
#include "windows_cli.hpp"

namespace procpool {
namespace {

using windows_testing::process_alive;
using windows_testing::read_file;
using windows_testing::ScratchDir;
using windows_testing::surviving_children;

int current_pid() { return static_cast<int>(::GetCurrentProcessId()); }

// Set by main() before any test: a spawned child is this program started again, so it never
// sees the value (a forked one would).
int g_set_in_main = 0;

void write_report(std::string path, int n) {
  std::ofstream(path) << n << " " << current_pid() << " " << g_set_in_main;
}
PROCPOOL_TASK(write_report);

void throw_runtime_error() { throw std::runtime_error("boom"); }
PROCPOOL_TASK(throw_runtime_error);

void exit_with(int code) { std::_Exit(code); }
PROCPOOL_TASK(exit_with);

void sleep_for_ms(int ms) { ::Sleep(DWORD(ms)); }
PROCPOOL_TASK(sleep_for_ms);

int access_violation(int) {
  *static_cast<volatile int*>(nullptr) = 1;
  return 0;
}
PROCPOOL_TASK(access_violation);

int square(int x) { return x * x; }
PROCPOOL_TASK(square);

int add(int a, int b) { return a + b; }
PROCPOOL_TASK(add);

int my_pid(int) { return current_pid(); }
PROCPOOL_TASK(my_pid);

int sleep_then_pid(int ms) {
  ::Sleep(DWORD(ms));
  return current_pid();
}
PROCPOOL_TASK(sleep_then_pid);

int fail_on_three(int x) {
  if (x == 3) throw std::invalid_argument("three");
  return x;
}
PROCPOOL_TASK(fail_on_three);

std::string echo_size(std::string bytes) { return std::string(bytes.size() / 2, 'r'); }
PROCPOOL_TASK(echo_size);

void note_init(std::string dir) {
  std::ofstream(dir + "\\init-" + std::to_string(current_pid())) << "x";
}
PROCPOOL_TASK(note_init);

int unregistered(int x) { return x; }

PoolOptions options(unsigned processes) {
  return PoolOptions{.processes = processes, .terminate_grace = std::chrono::milliseconds(300)};
}

// Every test: no process it started outlives it.
class LibraryTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(surviving_children(), std::vector<std::string>{}); }
};
using WindowsProcess = LibraryTest;
using WindowsPool = LibraryTest;

// Every pid a pool or process reported must be gone once it is destroyed.
void expect_all_gone(const std::vector<int>& pids) {
  for (int pid : pids) EXPECT_FALSE(process_alive(static_cast<unsigned long>(pid))) << pid;
}

TEST_F(WindowsProcess, ASpawnedChildRunsTheTargetWithItsArgumentsInThisProgramStartedAgain) {
  ScratchDir dir;
  Process p(write_report, dir.file("out"), 42);
  EXPECT_EQ(p.pid(), -1);
  p.start();
  EXPECT_GT(p.pid(), 0);
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_FALSE(p.is_alive());
  // "42 <child pid> 0": another process, which did not inherit main()'s state.
  EXPECT_EQ(read_file(dir.file("out")), "42 " + std::to_string(p.pid()) + " 0");
  EXPECT_NE(p.pid(), current_pid());
}

TEST_F(WindowsProcess, ExitCodesExceptionsAndCrashesAreTold) {
  Process exits(exit_with, 3);
  exits.start();
  exits.join();
  EXPECT_EQ(exits.exitcode(), 3);
  Process throws(throw_runtime_error);
  throws.start();
  throws.join();
  EXPECT_EQ(throws.exitcode(), 1) << "an uncaught exception exits with 1, as in Python";
  Process crashes(access_violation, 0);
  crashes.start();
  crashes.join();
  EXPECT_EQ(crashes.exitcode(), static_cast<int>(0xC0000005u)) << "the exception code";
}

TEST_F(WindowsProcess, TerminateAndKillEndItAtOnce) {
  Process p(sleep_for_ms, 100000);
  p.start();
  EXPECT_FALSE(p.join(std::chrono::milliseconds(50)));
  EXPECT_TRUE(p.is_alive());
  EXPECT_EQ(p.exitcode(), std::nullopt);
  const auto started = std::chrono::steady_clock::now();
  p.terminate();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "no grace on Windows: there is no signal to wait on";
  EXPECT_EQ(p.exitcode(), -15);
  EXPECT_FALSE(process_alive(unsigned(p.pid())));
  Process q(sleep_for_ms, 100000);
  q.start();
  q.kill();
  EXPECT_EQ(q.exitcode(), -9);
}

TEST_F(WindowsProcess, DestroyingAStartedProcessEndsIt) {
  int pid = 0;
  {
    Process p(sleep_for_ms, 100000);
    p.start();
    pid = p.pid();
    EXPECT_TRUE(process_alive(unsigned(pid)));
  }
  EXPECT_FALSE(process_alive(unsigned(pid)));
}

TEST_F(WindowsProcess, ForkIsAClearErrorAndUnregisteredTargetsAreRefused) {
  Process forked(StartMethod::fork, square, 2);
  try {
    forked.start();
    ADD_FAILURE() << "fork started on Windows";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("fork start method does not exist on Windows"),
              std::string::npos)
        << e.what();
  }
  Process p(unregistered, 1);
  EXPECT_THROW(p.start(), UsageError);
  EXPECT_EQ(p.pid(), -1) << "nothing started";
}

TEST_F(WindowsPool, ApplyAsyncMapStarmapAndImapUnorderedReturnResults) {
  Pool pool(options(2));
  EXPECT_EQ(pool.apply_async(square, 7).get(), 49);
  EXPECT_EQ(pool.apply_async(add, 2, 3).get(), 5);
  EXPECT_EQ(pool.map(square, std::vector<int>{1, 2, 3, 4}), (std::vector<int>{1, 4, 9, 16}));
  EXPECT_EQ(pool.starmap(add, std::vector<std::tuple<int, int>>{{1, 2}, {3, 4}}),
            (std::vector<int>{3, 7}));
  auto stream = pool.imap_unordered(square, std::vector<int>{1, 2, 3});
  std::multiset<int> got;
  while (auto r = stream.next()) got.insert(*r);
  EXPECT_EQ(got, (std::multiset<int>{1, 4, 9}));
  const std::vector<int> pids = pool.worker_pids();
  pool.close();
  pool.join();
  expect_all_gone(pids);
}

TEST_F(WindowsPool, TasksRunInOtherProcesses) {
  Pool pool(options(2));
  const int worker = pool.apply_async(my_pid, 0).get();
  EXPECT_NE(worker, current_pid());
  const std::vector<int> pids = pool.worker_pids();
  EXPECT_NE(std::find(pids.begin(), pids.end(), worker), pids.end());
}

TEST_F(WindowsPool, AnExceptionInATaskBecomesRemoteError) {
  Pool pool(options(2));
  auto result = pool.apply_async(fail_on_three, 3);
  try {
    result.get();
    ADD_FAILURE() << "no exception";
  } catch (const RemoteError& e) {
    EXPECT_EQ(e.type(), "std::invalid_argument");
    EXPECT_NE(std::string(e.what()).find("three"), std::string::npos);
  }
  EXPECT_EQ(pool.apply_async(fail_on_three, 4).get(), 4) << "the worker goes on";
}

TEST_F(WindowsPool, AWorkerCrashingMidTaskFailsOnlyThatTaskAndIsReplaced) {
  Pool pool(options(2));
  std::vector<AsyncResult<int>> others;
  for (int i = 0; i < 6; ++i) others.push_back(pool.apply_async(square, i));
  auto crashed = pool.apply_async(access_violation, 0);
  try {
    crashed.get();
    ADD_FAILURE() << "no crash reported";
  } catch (const WorkerCrashed& e) {
    EXPECT_NE(std::string(e.what()).find("0xC0000005"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("access violation"), std::string::npos) << e.what();
  }
  for (int i = 0; i < 6; ++i) EXPECT_EQ(others[i].get(), i * i);
  EXPECT_EQ(pool.apply_async(square, 9).get(), 81) << "a replacement serves";
  const std::vector<int> pids = pool.worker_pids();
  EXPECT_EQ(pids.size(), 2u);
  pool.close();
  pool.join();
  expect_all_gone(pids);
}

TEST_F(WindowsPool, TerminateStopsTasksInFlightAndLeavesNoSurvivors) {
  Pool pool(options(2));
  auto a = pool.apply_async(sleep_then_pid, 100000);
  auto b = pool.apply_async(sleep_then_pid, 100000);
  ::Sleep(300);
  const std::vector<int> pids = pool.worker_pids();
  const auto started = std::chrono::steady_clock::now();
  pool.terminate();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_THROW(a.get(), Error);
  EXPECT_THROW(b.get(), Error);
  expect_all_gone(pids);
}

TEST_F(WindowsPool, ExecutableNamesTheProgramWorkersRun) {
  using testing_helper::program_of_this_process;
  PoolOptions other = options(2);
  other.executable = POOL_WORKER_PROGRAM;
  Pool pool(other);
  for (const std::string& served_by : pool.map(program_of_this_process, std::vector<int>{1, 2, 3}))
    EXPECT_NE(served_by.find("pool_worker_program"), std::string::npos) << served_by;
  EXPECT_EQ(Pool(options(1)).apply_async(program_of_this_process, 0).get(),
            program_of_this_process(0))
      << "left empty, workers run this program";
  pool.close();
  pool.join();
  other.executable = "Z:\\nonexistent\\worker.exe";
  EXPECT_THROW(Pool{other}, Error);
}

TEST_F(WindowsPool, MaxTasksPerChildReplacesWorkers) {
  PoolOptions o = options(1);
  o.maxtasksperchild = 2;
  Pool pool(o);
  std::set<int> pids;
  for (int i = 0; i < 6; ++i) pids.insert(pool.apply_async(my_pid, i).get());
  EXPECT_EQ(pids.size(), 3u) << "a new worker every two tasks";
}

TEST_F(WindowsPool, TheInitializerRunsOncePerWorker) {
  ScratchDir dir;
  PoolOptions o = options(2);
  o.initializer = initializer(note_init, dir.path());
  {
    Pool pool(o);
    EXPECT_EQ(pool.map(square, std::vector<int>{1, 2, 3, 4, 5, 6}).size(), 6u);
    pool.close();
    pool.join();
  }
  std::size_t inits = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().filename().string().rfind("init-", 0) == 0) ++inits;
  }
  EXPECT_EQ(inits, 2u);
}

TEST_F(WindowsPool, TenMegabyteArgumentsAndResultsCross) {
  Pool pool(options(2));
  const std::string big(10 * 1024 * 1024, 'a');
  EXPECT_EQ(pool.apply_async(echo_size, big).get().size(), big.size() / 2);
}

TEST_F(WindowsPool, AskingForForkIsAClearErrorAndSoIsAnUnregisteredTask) {
  PoolOptions o = options(1);
  o.start_method = StartMethod::fork;
  EXPECT_THROW(Pool{o}, UsageError);
  Pool pool(options(1));
  EXPECT_THROW(pool.apply_async(unregistered, 1), UsageError);
}

TEST_F(WindowsPool, TheDestructorEndsEveryWorker) {
  std::vector<int> pids;
  {
    Pool pool(options(3));
    pool.apply_async(sleep_then_pid, 100000);
    pids = pool.worker_pids();
    EXPECT_EQ(pids.size(), 3u);
  }
  expect_all_gone(pids);
}

// The holder (this program with --hold-pool FILE, see main) makes a pool, gives both workers a
// long task, writes their pids to FILE and waits; it is started directly, outside any job of ours,
// and killed outright: its workers die with it (the library's job), as on Linux (PR_SET_PDEATHSIG).
TEST_F(WindowsPool, WorkersDieWithAProgramThatIsKilledOutright) {
  ScratchDir dir;
  wchar_t self[MAX_PATH];
  ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  const std::string pids_file = dir.file("pids");  // ASCII: under %TEMP%
  std::wstring line = L"\"" + std::wstring(self) + L"\" --hold-pool \"" +
                      std::wstring(pids_file.begin(), pids_file.end()) + L"\"";
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION holder{};
  ASSERT_TRUE(::CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                               &startup, &holder));
  std::string pids;
  for (int i = 0; i < 300 && pids.find('.') == std::string::npos; ++i) {
    ::Sleep(100);
    if (std::filesystem::exists(pids_file)) pids = read_file(pids_file);
  }
  ASSERT_NE(pids.find('.'), std::string::npos) << "the holder never wrote its workers' pids";
  std::vector<int> workers;
  std::istringstream in(pids);
  for (int pid; in >> pid;) workers.push_back(pid);
  ASSERT_EQ(workers.size(), 2u) << pids;
  for (int pid : workers) EXPECT_TRUE(process_alive(unsigned(pid))) << pid;
  ::TerminateProcess(holder.hProcess, 1);
  ::WaitForSingleObject(holder.hProcess, INFINITE);
  ::CloseHandle(holder.hProcess);
  ::CloseHandle(holder.hThread);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = std::none_of(workers.begin(), workers.end(),
                        [](int pid) { return process_alive(unsigned(pid)); });
    if (!gone) ::Sleep(50);
  }
  EXPECT_TRUE(gone) << "a worker outlived its killed parent";
}

}  // namespace
}  // namespace procpool

// The guard every program using the spawn start method needs, first thing in main.
int main(int argc, char** argv) {
  if (auto code = procpool::run_worker_if_requested()) return *code;
  procpool::g_set_in_main = 1;
  if (argc == 3 && std::string(argv[1]) == "--hold-pool") {
    procpool::Pool pool(2);
    // Both busy for 100 s: a worker in a task does not notice its link close; only the job
    // can end it.
    auto first = pool.apply_async(procpool::sleep_for_ms, 100000);
    auto second = pool.apply_async(procpool::sleep_for_ms, 100000);
    ::Sleep(500);
    std::string pids;
    for (int pid : pool.worker_pids()) pids += std::to_string(pid) + " ";
    std::ofstream(argv[2]) << pids << ".";
    ::Sleep(INFINITE);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
