// What operations that can fail without it being a bug return (a missing file, a bad option, a
// process that cannot start): the value, or a Failure that says what failed and, where it helps,
// what to do. C++20 has no std::expected. Exceptions stay for the public library API (as
// Python's multiprocessing raises) and for programming errors.
//
//   Result<Shard> parse(std::string_view text) {
//     if (bad) return fail("--shard takes K/N, got '" + std::string(text) + "'");
//     return Shard{k, n};
//   }
//   auto shard = parse(text);
//   if (!shard) return usage_error(shard.error());
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace procpool {

struct Failure {
  std::string message;  // names the thing that failed and why
  std::string hint;     // what the user can do about it; may be empty
  int os_error = 0;     // the errno behind it, when the OS refused something (0: none)

  // The message, with the hint after it when there is one.
  std::string text() const { return hint.empty() ? message : message + " (" + hint + ")"; }
};

// `return fail("...")` converts to a failed Result of any type.
inline Failure fail(std::string message, std::string hint = {}) {
  return Failure{std::move(message), std::move(hint), 0};
}
// The same for a refusal of the OS, keeping its errno for callers that decide on it.
inline Failure fail_os(int os_error, std::string message, std::string hint = {}) {
  return Failure{std::move(message), std::move(hint), os_error};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Failure failure) : state_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The value; only when ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

  // Why it failed; only when !ok(). error() is what to show a person: the message, and the
  // hint after it when there is one.
  const Failure& failure() const { return std::get<1>(state_); }
  std::string error() const { return failure().text(); }

 private:
  std::variant<T, Failure> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : failure_(std::move(failure)) {}  // NOLINT: implicit

  bool ok() const { return !failure_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Failure& failure() const { return *failure_; }
  std::string error() const { return failure_->text(); }

 private:
  std::optional<Failure> failure_;
};

// For `Result<void>` functions: `return ok();`
inline Result<void> ok() { return {}; }

}  // namespace procpool
