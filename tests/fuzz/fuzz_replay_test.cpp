// Replays every input kept under tests/fuzz/corpus/<target>/ through its parser, in the normal
// test suite: the seeds, and every crasher fuzzing found, stay fixed.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fuzz_targets.hpp"

namespace procpool::fuzz {
namespace {

class Replay : public ::testing::TestWithParam<Target> {};

TEST_P(Replay, EveryKeptInputGoesThroughWithoutACrash) {
  const std::filesystem::path dir = std::filesystem::path(FUZZ_CORPUS) / GetParam().name;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << ": every target keeps seeds";
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    SCOPED_TRACE(entry.path().string());
    GetParam().run(content.str());  // aborts (and so fails the test) on a broken invariant
    ++inputs;
  }
  EXPECT_GT(inputs, 0);
}

INSTANTIATE_TEST_SUITE_P(Targets, Replay, ::testing::ValuesIn(targets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace procpool::fuzz
