#include "procpool/adapters/gtest/gtest_executor.hpp"

#include <filesystem>
#include <fstream>

#include "gtest_process.hpp"
#include "procpool/adapters/gtest/listing_witness.hpp"
#include "small_files.hpp"

namespace procpool::gtest {
namespace fs = std::filesystem;

std::optional<std::string> read_file_if_present(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text;
  char buffer[16384];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) text.append(buffer, file.gcount());
  return text;
}

void empty_directory(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::remove_all(it->path(), ec);
  }
}

namespace {

schedule::BatchEvidence batch_evidence(TestJudgement::Evidence evidence) {
  switch (evidence) {
    case TestJudgement::Evidence::failed_in_batch:
      return schedule::BatchEvidence::failed_in_batch;
    case TestJudgement::Evidence::unvouched:
      return schedule::BatchEvidence::unvouched;
    default:
      return schedule::BatchEvidence::stands;
  }
}

}  // namespace

GtestExecutor::Files GtestExecutor::files_for(std::size_t index, unsigned attempt, unsigned slot) {
  // TEST_TMPDIR is the slot's directory, emptied after every process: private while it runs (no
  // two running attempts share a slot) without a mkdir and rmdir per test, which cost ~30 % of
  // the runner's time on an ext4 /tmp. With --keep-tmp every attempt keeps its own instead.
  // gtest's reports sit in one flat directory, outside the tests' reach.
  const std::string name = std::to_string(index) + "-" + std::to_string(attempt);
  const fs::path root(options_.temp_root);
  Files files{options_.keep_tmp ? root / "tmp" / name : root / "slots" / std::to_string(slot),
              fs::path(options_.results_dir) / (name + ".json"),
              fs::path(options_.results_dir) / (name + ".exit")};
  if (options_.keep_tmp || created_slots_.insert(slot).second) {
    std::error_code ec;
    fs::create_directories(files.tmp, ec);
  }
  return files;
}

GtestProcessRequest GtestExecutor::request_for(const schedule::Launch& launch,
                                               std::vector<std::string> tests,
                                               const Files& files) const {
  GtestProcessRequest request;
  request.command = gtest_command(launch.command(), filter_for(tests), files.tmp);
  request.tests = std::move(tests);
  request.source = options_.console_programs.count(request.command.argv.front())
                       ? EventSource::console
                       : EventSource::stream;
  request.stream_address = options_.stream_address;
  request.stream_host = options_.stream_host;
  request.test_timeout = launch.deadline;
  // gtest's report only when a report keeps what tests recorded. It would also tell a skip from a
  // failure where the stream cannot (a batch whose program failed), but asking every batch for it
  // cost more than running those few tests again alone.
  if (options_.record_properties) request.json_report = files.report;
  request.premature_exit_file = files.premature;
  return request;
}

void GtestExecutor::clean_up(const Files& files) const {
  std::error_code ignored;
  fs::remove(files.report, ignored);
  fs::remove(files.premature, ignored);
  if (!options_.keep_tmp) empty_directory(files.tmp);
}

void GtestExecutor::tell(const std::string& program, const std::string& stream_error,
                         const std::vector<std::string>& extras) {
  if (!options_.warn) return;
  if (!stream_error.empty() && !told_stream_error_) {
    told_stream_error_ = true;
    options_.warn(stream_error +
                  ": verdicts come from gtest's console instead, which a test "
                  "can forge (\"events\": \"console\" in --json)");
  }
  for (const auto& extra : extras) {
    options_.warn(program + ": " + extra +
                  " ran unasked (a name with a filter character selects it too); its result is "
                  "not counted");
  }
}

bool GtestExecutor::make_catch_all(GtestProcessRequest& request, const std::string& program,
                                   std::size_t index) {
  if (!options_.witness) return false;
  const auto filter = options_.witness->catch_all(program, request.tests);
  if (!filter) return false;
  // Every other test of a large program: through a flag file beyond a few KiB, as a command line
  // has limits (128 KiB for one argument on Linux, 32 KiB for all of them on Windows).
  constexpr std::size_t kLongestOnCommandLine = 4096;
  std::vector<std::string>& argv = request.command.argv;
  if (filter->size() <= kLongestOnCommandLine) {
    set_filter(argv, *filter);
    return true;
  }
  const fs::path flags = fs::path(options_.temp_root) / ("catch-all-" + std::to_string(index));
  {
    std::ofstream file(flags, std::ios::binary | std::ios::trunc);
    file << "--gtest_filter=" << *filter << "\n";
    if (!file.flush()) return false;  // unwritten: the batch runs its own tests, vouching for none
  }
  for (auto& arg : argv) {
    if (arg.rfind("--gtest_filter=", 0) == 0) arg = "--gtest_flagfile=" + flags.string();
  }
  return true;
}

std::vector<std::string> GtestExecutor::witness(const std::string& program,
                                                const GtestProcessResult& result, bool catch_all) {
  if (!options_.witness) return result.extras;
  const ProgramRecord& record = *result.record;
  ListingWitness::Seen seen;
  seen.catch_all = catch_all;
  seen.ended_well = result.judgement.ended_well;
  seen.extras = result.extras;
  for (std::size_t test = 0; test < record.names().size(); ++test) {
    seen.asked_not_started = seen.asked_not_started || !record.test(test).started;
  }
  seen.disabled_noted = result.disabled_noted;
  options_.witness->saw(program, seen);
  // A name the listing lacks is the witness's (the run is checked again); one it has ran
  // because a filter character matched it.
  std::vector<std::string> unexplained;
  for (const auto& extra : result.extras) {
    if (options_.witness->knows(program, extra)) unexplained.push_back(extra);
  }
  return unexplained;
}

void GtestExecutor::start(const schedule::Launch& launch, schedule::Observer observer) {
  const TaskSpec& task = *launch.spec;
  if (!task.test || !task.preset_failure.empty() || task.batch_member.empty()) {
    inner_.start(launch, std::move(observer));  // not a test run (e.g. a listing failure)
    return;
  }
  const Files files = files_for(launch.index, launch.attempt, launch.slot);
  GtestProcessRequest request = request_for(launch, {task.batch_member}, files);
  request.judged = {0};
  request.alone = true;

  GtestProcessCallbacks process;
  process.forward = observer;
  process.done = [this, files, program = launch.command().argv.front(),
                  observer = std::move(observer)](GtestProcessResult result) {
    // Emptied before the scheduler hears of the end: it may start the next attempt in this slot
    // (and so in this TEST_TMPDIR) at once.
    clean_up(files);
    tell(program, result.stream_error, witness(program, result, /*catch_all=*/false));
    observer->done(std::move(result.tests.front().result));
  };
  start_gtest_process(io_, inner_, launch, std::move(request), std::move(process));
}

namespace {

// What a batch's process says besides its tests' events: only its waits reach the scheduler.
class BatchProcessEvents final : public schedule::AttemptObserver {
 public:
  explicit BatchProcessEvents(std::shared_ptr<schedule::BatchObserver> batch)
      : batch_(std::move(batch)) {}
  void pending(const std::string& reason) override { batch_->pending(reason); }
  void done(AttemptResult) override {}  // the batch's end is its tests' (GtestProcessCallbacks)

 private:
  std::shared_ptr<schedule::BatchObserver> batch_;
};

}  // namespace

void GtestExecutor::start_batch(const schedule::BatchLaunch& launch,
                                std::shared_ptr<schedule::BatchObserver> observer) {
  const schedule::Launch& first = launch.members.front();
  const Files files = files_for(first.index, first.attempt, launch.slot);
  std::vector<std::string> tests = launch.run_first;
  for (const auto& member : launch.members) tests.push_back(member.spec->batch_member);
  GtestProcessRequest request = request_for(first, std::move(tests), files);
  for (std::size_t i = launch.run_first.size(); i < request.tests.size(); ++i) {
    request.judged.push_back(i);
  }
  request.alone = options_.alone_is_final && launch.members.size() == 1 && launch.run_first.empty();
  request.exit_judged_alone = !options_.alone_is_final;
  const std::string& program = first.command().argv.front();
  const bool catch_all =
      !request.alone && launch.run_first.empty() && make_catch_all(request, program, first.index);

  schedule::Launch process_launch = first;
  process_launch.slot = launch.slot;
  struct Shared {
    std::shared_ptr<schedule::BatchObserver> observer;
    std::vector<bool> told_started;
  };
  auto shared = std::make_shared<Shared>(
      Shared{std::move(observer), std::vector<bool>(launch.members.size(), false)});
  GtestProcessCallbacks process;
  process.forward = std::make_shared<BatchProcessEvents>(shared->observer);
  process.test_started = [shared](std::size_t member) {
    shared->told_started[member] = true;
    shared->observer->member_started(member);
  };
  process.done = [this, files, shared, program, catch_all](GtestProcessResult result) {
    clean_up(files);  // before the scheduler may start the next batch in this slot
    tell(program, result.stream_error, witness(program, result, catch_all));
    std::vector<std::size_t> not_started;
    for (std::size_t member = 0; member < result.tests.size(); ++member) {
      JudgedTest& test = result.tests[member];
      if (test.evidence == TestJudgement::Evidence::not_started) {
        not_started.push_back(member);
        continue;
      }
      // A verdict for a test never seen starting (the program could not start at all): it
      // starts now, for the reports' sake.
      if (!shared->told_started[member]) shared->observer->member_started(member);
      shared->observer->member_done(member, std::move(test.result), batch_evidence(test.evidence));
    }
    // The rest go back: as a batch again when a test took the blame for the end (crash split);
    // alone when nothing did (the batch ended before or between tests, or its tests were not
    // found), so no batch can fail the same way for ever. A stopped run starts none of them.
    const bool stopped = result.process.outcome.kind == OutcomeKind::cancelled;
    shared->observer->done(std::move(not_started),
                           !result.judgement.blamed.has_value() && !stopped);
  };
  start_gtest_process(io_, inner_, process_launch, std::move(request), std::move(process));
}

}  // namespace procpool::gtest
