// One function per input parser, called with arbitrary bytes: by libFuzzer in the fuzz preset
// (tests/fuzz/<target>_fuzz.cpp, scripts/fuzz) and by the normal test suite, which replays every
// input kept in tests/fuzz/corpus/<target>/ (seeds and the crashers fuzzing found). Each checks
// what must hold for any input: no crash, no hang, and a failure that says why.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace procpool::fuzz {

struct Target {
  std::string name;  // fuzz_<name>, tests/fuzz/corpus/<name>/
  std::function<void(std::string_view)> run;
};

const std::vector<Target>& targets();

// Aborts with the message (libFuzzer reports it; the replay test sees a crash): an invariant
// that fuzzing broke.
[[noreturn]] void broken(const std::string& what);

}  // namespace procpool::fuzz
