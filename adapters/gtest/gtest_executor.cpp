#include "procpool/adapters/gtest/gtest_executor.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <filesystem>

#include "procpool/adapters/gtest/verdict.hpp"

namespace procpool::gtest {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_if_present(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[16384];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(fd);
  return text;
}

bool file_exists(const fs::path& path) { return ::access(path.c_str(), F_OK) == 0; }

// Removes what a test left in its TEST_TMPDIR; usually there is nothing.
void empty_directory(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::remove_all(it->path(), ec);
  }
}

}  // namespace

void GtestExecutor::start(const schedule::Launch& launch, schedule::AttemptCallbacks callbacks) {
  const TaskSpec& original = *launch.spec;
  if (!original.test || !original.preset_failure.empty()) {
    inner_.start(launch, std::move(callbacks));  // not a test run (e.g. a listing failure)
    return;
  }
  // TEST_TMPDIR is the slot's directory, emptied after every test: private while the test runs
  // (no two running tests share a slot) without a mkdir and rmdir per test, which cost ~30 % of
  // the runner's time on an ext4 /tmp. With --keep-tmp every attempt keeps its own instead.
  // gtest's result and premature-exit files sit in one flat directory, outside the test's reach.
  const std::string attempt = std::to_string(launch.index) + "-" + std::to_string(launch.attempt);
  const fs::path root(options_.temp_root);
  const fs::path tmp =
      options_.keep_tmp ? root / "tmp" / attempt : root / "slots" / std::to_string(launch.slot);
  const fs::path result_file = fs::path(options_.results_dir) / (attempt + ".json");
  const fs::path premature_file = fs::path(options_.results_dir) / (attempt + ".exit");
  if (options_.keep_tmp || created_slots_.insert(launch.slot).second) {
    std::error_code ec;
    fs::create_directories(tmp, ec);
  }

  auto spec = std::make_unique<TaskSpec>(original);
  spec->argv.insert(spec->argv.begin() + 1, "--gtest_output=json:" + result_file.string());
  spec->env.push_back({"TEST_TMPDIR", tmp.string()});
  spec->env.push_back({"TEST_PREMATURE_EXIT_FILE", premature_file.string()});
  spec->env_unset.insert(spec->env_unset.end(), {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX",
                                                 "GTEST_SHARD_STATUS_FILE", "GTEST_OUTPUT"});

  const std::uint64_t id = next_id_++;
  schedule::Launch inner_launch = launch;
  inner_launch.spec = spec.get();
  running_specs_.emplace(id, std::move(spec));

  schedule::AttemptCallbacks inner_callbacks;
  inner_callbacks.slow = std::move(callbacks.slow);
  inner_callbacks.done = [this, id, tmp, result_file, premature_file, test = *original.test,
                          done = std::move(callbacks.done)](AttemptResult result) {
    running_specs_.erase(id);
    result.outcome = interpret_test_attempt(result.outcome, read_if_present(result_file),
                                            file_exists(premature_file), test);
    ::unlink(result_file.c_str());
    ::unlink(premature_file.c_str());
    if (!options_.keep_tmp) empty_directory(tmp);
    done(std::move(result));
  };
  inner_.start(inner_launch, std::move(inner_callbacks));
}

}  // namespace procpool::gtest
