// How arguments and results cross the process boundary: cereal's binary archive. Any type cereal
// can serialise works (std::string, containers, tuples, user structs with a `serialize`
// member); any other type stops the build with the message below.
#pragma once

#include <sstream>
#include <string>
#include <type_traits>

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/list.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

namespace procpool::detail {

template <typename T>
inline constexpr bool serializable_v =
    cereal::traits::is_output_serializable<T, cereal::BinaryOutputArchive>::value&&
        cereal::traits::is_input_serializable<T, cereal::BinaryInputArchive>::value;

template <typename T>
std::string to_bytes(const T& value) {
  static_assert(serializable_v<T>,
                "procpool: this argument or result type cannot cross the process boundary: give "
                "it a cereal `serialize` member (or use std::string, containers, tuples)");
  std::ostringstream out(std::ios::binary);
  {
    cereal::BinaryOutputArchive archive(out);
    archive(value);
  }
  return std::move(out).str();
}

template <typename T>
T from_bytes(const std::string& bytes) {
  static_assert(serializable_v<T>, "procpool: this type cannot cross the process boundary");
  std::istringstream in(bytes, std::ios::binary);
  cereal::BinaryInputArchive archive(in);
  T value{};
  archive(value);
  return value;
}

}  // namespace procpool::detail
