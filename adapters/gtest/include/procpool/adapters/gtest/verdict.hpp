// Turning one finished test process into a verdict. gtest's own per-test result (its JSON
// output) is the authority; the exit status is the fallback, and the premature-exit file catches
// a test that called exit(0) halfway.
#pragma once

#include <optional>
#include <string>

#include "procpool/runner/core/outcome.hpp"
#include "procpool/runner/core/task.hpp"

namespace procpool::gtest {

// `process` is what the process layer saw; `json` is the --gtest_output=json file's content
// (nothing if it was not written); `premature_exit` whether TEST_PREMATURE_EXIT_FILE was left.
Outcome interpret_test_attempt(const Outcome& process, const std::optional<std::string>& json,
                               bool premature_exit, const TestIdentity& test);

}  // namespace procpool::gtest
