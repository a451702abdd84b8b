#include "procpool/adapters/gtest/judge.hpp"

namespace procpool::gtest {
namespace {

using Evidence = TestJudgement::Evidence;

bool exited_by_itself(const Outcome& process) {
  return process.kind == OutcomeKind::passed || process.kind == OutcomeKind::failed;
}

std::string code_text(const Outcome& process) {
  return "exit code " + std::to_string(process.exit_code);
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

Outcome failed_because(const Outcome& process, std::string message) {
  Outcome outcome = process;
  outcome.kind = OutcomeKind::failed;
  outcome.message = std::move(message);
  return outcome;
}

// The first assertion result outside any test, for saying why the program failed.
std::string loose_part_text(const ProgramRecord& record) {
  if (record.loose_parts().empty()) return "";
  const PartResult& part = record.loose_parts().front();
  return (part.file.empty() ? "unknown file" : part.file) + ":" + std::to_string(part.line) + ": " +
         part.message;
}

// Whether the process ended well, and if not, how it ended, in words.
std::pair<bool, std::string> how_it_ended(const JudgeInput& in) {
  const ProgramRecord& record = *in.record;
  const Outcome& process = in.process;
  if (in.protocol_error || record.out_of_order()) {
    return {false, "its event stream broke gtest's order of events"};
  }
  if (!exited_by_itself(process)) {
    if (process.kind == OutcomeKind::timed_out) return {false, "timed out"};
    return {false, describe(process)};
  }
  if (!record.program_passed() || in.premature_exit) {
    return {false, "exited (" + code_text(process) + ") before gtest's end of the program"};
  }
  if (*record.program_passed()) {
    if (process.exit_code == 0) return {true, ""};
    return {false, "gtest said the program passed, then it exited with " + code_text(process) +
                       " (an atexit handler or a static destructor?)"};
  }
  if (process.exit_code != 1) {
    return {false, "gtest said the program failed, then it exited with " + code_text(process)};
  }
  // Exit 1: explained only by tests that did not pass, with nothing failing outside a test.
  if (record.loose_part_count() > 0) {
    return {false,
            "the program failed outside any test (a global or suite set-up or "
            "tear-down?): " +
                loose_part_text(record)};
  }
  if (!record.any_test_not_passed()) {
    return {false, "gtest said the program failed, but none of its tests did"};
  }
  return {true, ""};
}

// What the events say of a test that ended: passed, skipped or failed; nothing when the stream
// cannot tell a skip from a failure here.
std::optional<Outcome> ended_verdict(const JudgeInput& in, std::size_t index, bool ended_well) {
  const ProgramRecord& record = *in.record;
  const TestSeen& test = record.test(index);
  const std::string& name = record.names()[index];
  Outcome outcome;
  outcome.exit_code = 0;
  if (test.passed) {
    outcome.kind = OutcomeKind::passed;
    return outcome;
  }
  std::optional<bool> skipped = test.skipped;
  std::optional<Outcome> from_report = in.report ? in.report->verdict(name) : std::nullopt;
  if (!skipped && from_report && from_report->kind != OutcomeKind::passed) {
    skipped = from_report->kind == OutcomeKind::skipped;
  }
  // A program gtest says passed has no failed test: whatever did not pass skipped itself.
  if (!skipped && ended_well && record.program_passed() == true) skipped = true;
  // Alone, a program that failed with nothing failing outside its one test: that test failed.
  if (!skipped && ended_well && in.alone && record.extras().empty()) skipped = false;
  if (!skipped) return std::nullopt;
  if (*skipped) {
    outcome.kind = OutcomeKind::skipped;
    outcome.message = "skipped by the test (GTEST_SKIP)";
    if (!test.parts.empty()) {
      const PartResult& why = test.parts.back();
      outcome.message = why.file + ":" + std::to_string(why.line) +
                        (why.message.empty() ? "" : ": " + why.message);
    }
    return outcome;
  }
  outcome.kind = OutcomeKind::failed;
  outcome.exit_code = 1;
  outcome.message = from_report && !from_report->message.empty() ? from_report->message
                                                                 : failure_messages(test.parts);
  if (outcome.message.empty()) outcome.message = "failed (its assertions gave no message)";
  return outcome;
}

// A test that was running when its process ended badly: that end is its verdict.
Outcome died_while_running(const JudgeInput& in, const std::string& how) {
  const Outcome& process = in.process;
  Outcome outcome = process;
  switch (process.kind) {
    case OutcomeKind::timed_out:
      outcome.message =
          in.timeout ? "timed out: still running after " + seconds_text(*in.timeout) : "timed out";
      return outcome;
    case OutcomeKind::passed:
    case OutcomeKind::failed:
      return failed_because(process, "exited early (" + code_text(process) +
                                         ") while the test ran: did it call exit()?");
    default:
      if (process.kind == OutcomeKind::signalled) outcome.message = how + " while the test ran";
      return outcome;
  }
}

// A test run alone that finished, then its process ended badly: the end is its verdict.
Outcome died_after(const JudgeInput& in, const std::string& how,
                   const std::optional<Outcome>& seen) {
  const Outcome& process = in.process;
  Outcome outcome = process;
  const std::string after = seen && seen->kind == OutcomeKind::failed ? "after the test failed"
                            : seen && seen->kind == OutcomeKind::skipped
                                ? "after the test skipped itself"
                                : "after the test passed";
  switch (process.kind) {
    case OutcomeKind::timed_out:
      outcome.message = "timed out " + after + ": the program did not end (a tear-down hung?)";
      return outcome;
    case OutcomeKind::signalled:
      outcome.message = how + " " + after + " (in a global tear-down or a static destructor?)";
      return outcome;
    case OutcomeKind::passed:
    case OutcomeKind::failed: {
      const std::string own =
          seen && seen->kind == OutcomeKind::failed ? seen->message + "\n" : std::string();
      if (!in.record->program_passed()) {
        return failed_because(process, own + "exited early (" + code_text(process) + ") " + after +
                                           ": exit() or a failure in a global tear-down?");
      }
      return failed_because(process, own + "the program ended badly " + after + ": " + how);
    }
    default:
      return outcome;
  }
}

// A test run alone that never started: why, from the process's end.
Outcome never_started(const JudgeInput& in, const std::string& how, bool ended_well) {
  const Outcome& process = in.process;
  const std::string& name = in.record->names().front();
  if (ended_well || (exited_by_itself(process) && in.record->program_passed())) {
    return failed_because(process, "the test did not run: the program ran no test named \"" + name +
                                       "\" (" + code_text(process) + ")");
  }
  Outcome outcome = process;
  switch (process.kind) {
    case OutcomeKind::timed_out:
      // No event at all: the program may never have run (a launcher such as srun still
      // starting it counts against the timeout) or hung in a static initialiser.
      outcome.message = in.record->program_started()
                            ? "timed out before the test started (a global set-up hung?)"
                            : "timed out before the program started (its launcher was slow to "
                              "start it, or a static initialiser hung?)";
      return outcome;
    case OutcomeKind::signalled:
      outcome.message = how +
                        " before the test started (in a global set-up or a static "
                        "initialiser?)";
      return outcome;
    case OutcomeKind::passed:
    case OutcomeKind::failed:
      if (!in.record->program_started()) {
        return failed_because(process, "the test did not run (" + code_text(process) +
                                           "): the program sent no gtest event (not a gtest "
                                           "program, or it ended before gtest started?)");
      }
      return failed_because(process, "the program ended (" + code_text(process) +
                                         ") before the test started: " + how);
    default:
      return outcome;
  }
}

}  // namespace

std::string failure_messages(const std::vector<PartResult>& parts) {
  std::string messages;
  for (const PartResult& part : parts) {
    if (part.message == "Succeeded") continue;  // SUCCEED(): a success, not a failure
    if (!messages.empty()) messages += "\n\n";
    messages += (part.file.empty() ? "unknown file" : part.file) +
                (part.line > 0 ? ":" + std::to_string(part.line) : "") + "\n" + part.message;
  }
  return messages;
}

ProcessJudgement judge(const JudgeInput& in, const std::vector<std::size_t>& indices) {
  const ProgramRecord& record = *in.record;
  ProcessJudgement result;
  auto [well, how] = how_it_ended(in);
  result.ended_well = well;
  result.how_it_ended = how;
  if (!well) result.blamed = record.running();
  const bool stopped = in.process.kind == OutcomeKind::cancelled;
  const bool never_ran = in.process.kind == OutcomeKind::failed_to_start;

  std::optional<std::size_t> last_finished;
  for (std::size_t index : indices) {
    const TestSeen& test = record.test(index);
    TestJudgement judged;
    Outcome& outcome = judged.outcome;
    if (never_ran) {
      judged = {Evidence::stands, in.process};
    } else if (test.started && !test.ended) {  // running at the end (never when it ended well)
      outcome = died_while_running(in, how);
      judged.evidence = in.alone || stopped ? Evidence::stands
                        : in.exit_judged_alone && exited_by_itself(in.process)
                            ? Evidence::unvouched
                            : Evidence::failed_in_batch;
    } else if (test.ended) {
      if (!last_finished || test.finished >= record.test(*last_finished).finished) {
        last_finished = index;
      }
      const std::optional<Outcome> seen = ended_verdict(in, index, well);
      if (well && seen) {
        outcome = *seen;
        const bool failed = seen->kind == OutcomeKind::failed;
        judged.evidence = failed && !in.alone ? Evidence::failed_in_batch : Evidence::stands;
      } else if (well && !in.alone) {
        // It did not pass, in a program that failed, and nothing says whether it failed or
        // skipped itself: alone, it shows which (and a failure is confirmed alone anyway).
        Outcome unsure = failed_because(in.process, failure_messages(test.parts));
        unsure.message = "did not pass (the stream does not tell a failure from a skip)" +
                         (unsure.message.empty() ? std::string() : ":\n" + unsure.message);
        outcome = std::move(unsure);
        judged.evidence = Evidence::failed_in_batch;
      } else if (in.alone && !stopped) {
        outcome = died_after(in, how, seen);
        judged.evidence = Evidence::stands;
      } else {
        // Unvouched: what the events showed is kept for a run that cannot try it again.
        outcome = seen ? *seen
                       : failed_because(in.process,
                                        "it did not pass, and its process could not "
                                        "tell a skip from a failure");
        judged.evidence = Evidence::unvouched;
      }
    } else if (in.alone && !stopped) {
      outcome = never_started(in, how, well);
      judged.evidence = Evidence::stands;
    } else {
      judged.evidence = Evidence::not_started;
    }
    // The console cannot say who failed in a batch: a test can print another's lines. Run again,
    // it gets its verdict alone, and no order is blamed for it.
    if (in.source == EventSource::console && judged.evidence == Evidence::failed_in_batch) {
      judged.evidence = Evidence::unvouched;
    }
    result.tests.push_back(std::move(judged));
  }
  // Processes left running are killed when the program ends: the test running then, or else the
  // one that finished last, is the one that left them.
  if (in.process.leaked) {
    const std::optional<std::size_t> culprit = record.running() ? record.running() : last_finished;
    for (std::size_t i = 0; i < indices.size(); ++i) {
      if (culprit && indices[i] == *culprit) result.tests[i].outcome.leaked = true;
    }
    if (!culprit && indices.size() == 1) result.tests[0].outcome.leaked = true;
  }
  return result;
}

}  // namespace procpool::gtest
