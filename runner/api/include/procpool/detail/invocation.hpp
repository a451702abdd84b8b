// How a task crosses to another process (internal, shared by Pool and Process): the kinds of
// callable a task may be, and the code a child runs to call one with serialised arguments.
#pragma once

#include <concepts>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "procpool/detail/pool_core.hpp"
#include "procpool/serialize.hpp"

namespace procpool::detail {

// What every Pool method takes as a task: something `+fn` makes a function pointer of.
template <typename F>
concept Task = requires(std::decay_t<F>& fn) {
  +fn;
}
&&std::is_function_v<std::remove_pointer_t<decltype(+std::declval<std::decay_t<F>&>())>>;

template <typename F>
inline constexpr bool kNotATask = !Task<F>;

template <typename F>
void reject_task() {
  static_assert(!kNotATask<F>,
                "procpool::Pool: a task must be a function or a captureless lambda: a lambda that "
                "captures (or a function object with state) cannot be sent to a worker process; "
                "pass what it captures as arguments instead");
}

// Deserialises the arguments, calls the function, serialises the result: the code a worker
// runs for one task, instantiated per signature in the parent and found by address in the child.
template <typename R, typename... Args>
std::string invoke(AnyFunction fn, const std::string& bytes) {
  auto function = reinterpret_cast<R (*)(Args...)>(fn);
  auto arguments = from_bytes<std::tuple<std::decay_t<Args>...>>(bytes);
  if constexpr (std::is_void_v<R>) {
    std::apply(function, std::move(arguments));
    return {};
  } else {
    return to_bytes(std::apply(function, std::move(arguments)));
  }
}

template <typename R, typename... Args, typename... Given>
Invocation make_invocation(R (*fn)(Args...), Given&&... given) {
  static_assert(sizeof...(Args) == sizeof...(Given), "procpool: wrong number of arguments");
  std::tuple<std::decay_t<Args>...> arguments(std::forward<Given>(given)...);
  return Invocation{&invoke<R, Args...>, reinterpret_cast<AnyFunction>(fn), to_bytes(arguments)};
}

// map's unit of work: a chunk of items through one unary function, as one task.
template <typename R, typename A>
std::string invoke_map(AnyFunction fn, const std::string& bytes) {
  auto function = reinterpret_cast<R (*)(A)>(fn);
  auto items = from_bytes<std::vector<std::decay_t<A>>>(bytes);
  std::vector<R> results;
  results.reserve(items.size());
  for (auto& item : items) results.push_back(function(std::move(item)));
  return to_bytes(results);
}

// Tasks a spawned worker can find: by name, since an exec'd program's addresses differ.
template <typename R, typename... Args>
bool register_task(const char* name, R (*fn)(Args...)) {
  Invoker map = nullptr;
  if constexpr (sizeof...(Args) == 1 && !std::is_void_v<R>) map = &invoke_map<R, Args...>;
  return add_registered_task({name, &invoke<R, Args...>, map, reinterpret_cast<AnyFunction>(fn)});
}

}  // namespace procpool::detail
