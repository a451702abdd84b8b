// The libFuzzer entry point for one target; FUZZ_TARGET names it (see CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const procpool::fuzz::Target* target = [] {
    for (const auto& t : procpool::fuzz::targets()) {
      if (t.name == FUZZ_TARGET) return &t;
    }
    procpool::fuzz::broken("no fuzz target " FUZZ_TARGET);
  }();
  target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
