#include "procpool/adapters/gtest/gtest_executor.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <filesystem>

#include "console_markers.hpp"
#include "procpool/adapters/gtest/verdict.hpp"
#include "small_files.hpp"

namespace procpool::gtest {
namespace fs = std::filesystem;

std::optional<std::string> read_file_if_present(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[16384];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(fd);
  return text;
}

bool file_exists(const fs::path& path) { return ::access(path.c_str(), F_OK) == 0; }

void empty_directory(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::remove_all(it->path(), ec);
  }
}

GtestExecutor::Files GtestExecutor::files_for(std::size_t index, unsigned attempt, unsigned slot) {
  // TEST_TMPDIR is the slot's directory, emptied after every test: private while the test runs
  // (no two running tests share a slot) without a mkdir and rmdir per test, which cost ~30 % of
  // the runner's time on an ext4 /tmp. With --keep-tmp every attempt keeps its own instead.
  // gtest's result and premature-exit files sit in one flat directory, outside the test's reach.
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

void GtestExecutor::prepare(TaskSpec& spec, const Files& files) const {
  // The verdict comes from the console lines (verdict.hpp); the JSON report only when the
  // values the test records are wanted. Last, so that it wins over one in the extra arguments.
  keep_console_readable(spec.argv, spec.env_unset);
  if (options_.record_properties)
    spec.argv.push_back("--gtest_output=json:" + files.result.string());
  spec.env.push_back({"TEST_TMPDIR", files.tmp.string()});
  spec.env.push_back({"TEST_PREMATURE_EXIT_FILE", files.premature.string()});
  spec.env_unset.insert(spec.env_unset.end(), {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX",
                                               "GTEST_SHARD_STATUS_FILE", "GTEST_OUTPUT"});
}

void GtestExecutor::clean_up(const Files& files) const {
  ::unlink(files.result.c_str());
  ::unlink(files.premature.c_str());
  if (!options_.keep_tmp) empty_directory(files.tmp);
}

void GtestExecutor::start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) {
  const TaskSpec& original = *launch.spec;
  if (!original.test || !original.preset_failure.empty()) {
    inner_.start(launch, std::move(callbacks));  // not a test run (e.g. a listing failure)
    return;
  }
  const Files files = files_for(launch.index, launch.attempt, launch.slot);
  auto spec = std::make_unique<TaskSpec>(original);
  prepare(*spec, files);

  const std::uint64_t id = next_id_++;
  schedule::Launch inner_launch = launch;
  inner_launch.spec = spec.get();
  running_specs_.emplace(id, std::move(spec));

  schedule::AttemptCallbacks inner_callbacks;
  inner_callbacks.slow = std::move(callbacks.slow);
  inner_callbacks.pending = std::move(callbacks.pending);
  inner_callbacks.done = [this, id, files, test = *original.test,
                          done = std::move(callbacks.done)](AttemptResult result) {
    running_specs_.erase(id);
    result.outcome =
        interpret_test_attempt(result.outcome, *result.out, file_exists(files.premature), test);
    add_skip_message(result.outcome, *result.out);
    if (options_.record_properties) {
      const auto json = read_file_if_present(files.result);
      const auto report = json ? GtestReport::parse(*json) : std::nullopt;
      if (report) result.properties = report->properties(test.full_name());
    }
    clean_up(files);
    done(std::move(result));
  };
  inner_.start(inner_launch, std::move(inner_callbacks));
}

}  // namespace procpool::gtest
