// The one place a GoogleTest test's verdict is decided, for every mode: a test run alone is a
// batch of one. The evidence is what a test cannot forge: the program's own events
// (program_record.hpp) and how its process ended. What a test prints never changes a verdict.
//
// The rule: a process vouches only for what it finished, and only if it ended well: it reached
// gtest's end-of-program event and then exited 0 when gtest said the program passed, or 1 when
// it failed and the failures it reported explain that (a test that did not pass; nothing failed
// outside a test). Any other end (a signal after the last test, exit() or abort() in a global
// tear-down, a crashing static destructor, no end event, another exit code) vouches for nothing:
//  - a test run alone gets that end as its verdict (crashed, timed out, "exited early", ...);
//  - in a batch, the test running at the end takes the blame (its failure is confirmed alone),
//    the tests that had finished are unvouched (run again; a test alone is final), and those that
//    never started run again.
// Where the console is the source, which tests ran and failed is text a test can print: no
// failure there is held against the order (each is simply run again, alone in the end), and the
// end of the program also needs gtest's premature-exit file gone.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "procpool/adapters/gtest/gtest_report.hpp"
#include "procpool/adapters/gtest/program_record.hpp"
#include "procpool/runner/core/outcome.hpp"

namespace procpool::gtest {

struct JudgeInput {
  const ProgramRecord* record = nullptr;
  Outcome process;  // how the process ended, as the process layer saw it
  // gtest's JSON report, when the process wrote one and ended well (nullptr otherwise): it tells
  // a skip from a failure where the stream cannot.
  const GtestReport* report = nullptr;
  // The process ran one test for that test's sake: whatever it shows is the test's final verdict.
  bool alone = false;
  // A test that exits halfway is judged by its run alone, not as a failure of the batch: CTest's
  // rule, where the exit code decides (an exit(0) passes, as `ctest` says).
  bool exit_judged_alone = false;
  EventSource source = EventSource::stream;
  bool protocol_error = false;  // the event channel broke gtest's protocol
  // gtest's premature-exit file (TEST_PREMATURE_EXIT_FILE) was still there when the process
  // ended: gtest did not return from its run. Asked for where the console is the source, since
  // the console's own "end of the program" is text a test can print.
  bool premature_exit = false;
  std::optional<std::chrono::milliseconds> timeout;  // per test, for the message of a timeout
};

struct TestJudgement {
  enum class Evidence {
    stands,           // the verdict is final as far as this process goes
    failed_in_batch,  // failed among other tests: run it alone before believing it
    unvouched,        // its process did not vouch for it: run it alone; that verdict stands
    not_started,      // never started: run it again
  };
  Evidence evidence = Evidence::not_started;
  Outcome outcome;  // for unvouched: what the process showed, kept if it cannot run again
};

struct ProcessJudgement {
  bool ended_well = false;
  std::string how_it_ended;           // in words, for messages: "SIGSEGV (Segmentation fault)"
  std::optional<std::size_t> blamed;  // the test running when the process ended badly
  std::vector<TestJudgement> tests;   // one per index asked for, in that order
};

// Judges the tests at `indices` (of input.record->names()).
ProcessJudgement judge(const JudgeInput& input, const std::vector<std::size_t>& indices);

// A test's failure messages from its assertion results, worded as gtest's JSON report words
// them: "<file>:<line>\n<message>", separated by blank lines (successes left out).
std::string failure_messages(const std::vector<PartResult>& parts);

}  // namespace procpool::gtest
