#include "procpool/gtest/gtest_executor.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "procpool/gtest/verdict.hpp"

namespace procpool::gtest {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_if_present(const fs::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

void GtestExecutor::start(const Launch& launch, AttemptCallbacks callbacks) {
  const TaskSpec& original = *launch.spec;
  if (!original.test || !original.preset_failure.empty()) {
    inner_.start(launch, std::move(callbacks));  // not a test run (e.g. a listing failure)
    return;
  }
  const fs::path dir = fs::path(options_.temp_root) /
                       (std::to_string(launch.index) + "-" + std::to_string(launch.attempt));
  const fs::path tmp = dir / "tmp";
  std::error_code ec;
  fs::create_directories(tmp, ec);

  auto spec = std::make_unique<TaskSpec>(original);
  const fs::path result_file = dir / "result.json";
  const fs::path premature_file = dir / "premature-exit";
  spec->argv.insert(spec->argv.begin() + 1, "--gtest_output=json:" + result_file.string());
  spec->env.push_back({"TEST_TMPDIR", tmp.string()});
  spec->env.push_back({"TEST_PREMATURE_EXIT_FILE", premature_file.string()});
  spec->env_unset.insert(spec->env_unset.end(), {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX",
                                                 "GTEST_SHARD_STATUS_FILE", "GTEST_OUTPUT"});

  const std::uint64_t id = next_id_++;
  Launch inner_launch = launch;
  inner_launch.spec = spec.get();
  running_specs_.emplace(id, std::move(spec));

  AttemptCallbacks inner_callbacks;
  inner_callbacks.slow = std::move(callbacks.slow);
  inner_callbacks.done = [this, id, dir, tmp, result_file, premature_file, test = *original.test,
                          done = std::move(callbacks.done)](AttemptResult result) {
    running_specs_.erase(id);
    result.outcome = interpret_test_attempt(result.outcome, read_if_present(result_file),
                                            fs::exists(premature_file), test);
    std::error_code ignored;
    if (options_.keep_tmp) {
      fs::remove(result_file, ignored);
      fs::remove(premature_file, ignored);
    } else {
      fs::remove_all(dir, ignored);
    }
    done(std::move(result));
  };
  inner_.start(inner_launch, std::move(inner_callbacks));
}

}  // namespace procpool::gtest
