#include "procpool/adapters/ctest/ctest_environment.hpp"

#include <map>

namespace procpool::ctest {

Result<void> apply_environment_modification(TaskSpec& task, const std::vector<std::string>& entries,
                                            const EnvLookup& getenv) {
  // Each touched variable: its value before any modification (ENVIRONMENT's, else inherited),
  // and its current one (nullopt: unset).
  struct Variable {
    std::optional<std::string> original, current;
  };
  std::map<std::string, Variable> touched;
  std::vector<std::string> order;
  auto original_value = [&](const std::string& name) -> std::optional<std::string> {
    for (auto it = task.command.env.rbegin(); it != task.command.env.rend(); ++it) {
      if (it->name == name) return it->value;
    }
    return getenv ? getenv(name) : std::nullopt;
  };
  for (const auto& entry : entries) {
    const auto eq = entry.find('=');
    const auto colon = entry.find(':', eq == std::string::npos ? 0 : eq);
    if (eq == std::string::npos || colon == std::string::npos) {
      return fail("Error: Missing `:` in environment modification: " + entry);
    }
    const std::string name = entry.substr(0, eq);
    const std::string op = entry.substr(eq + 1, colon - eq - 1);
    const std::string value = entry.substr(colon + 1);
    auto [it, fresh] = touched.try_emplace(name);
    if (fresh) {
      it->second.original = it->second.current = original_value(name);
      order.push_back(name);
    }
    std::optional<std::string>& current = it->second.current;
    // A list separator only between two non-empty parts (measured with ctest 3.25).
    auto joined = [](const std::string& a, char sep, const std::string& b) {
      return a.empty() ? b : b.empty() ? a : a + sep + b;
    };
    const std::string now = current.value_or("");
    if (op == "reset") {
      current = it->second.original;
    } else if (op == "set") {
      current = value;
    } else if (op == "unset") {
      current.reset();
    } else if (op == "string_append") {
      current = now + value;
    } else if (op == "string_prepend") {
      current = value + now;
    } else if (op == "path_list_append") {
      current = joined(now, ':', value);
    } else if (op == "path_list_prepend") {
      current = joined(value, ':', now);
    } else if (op == "cmake_list_append") {
      current = joined(now, ';', value);
    } else if (op == "cmake_list_prepend") {
      current = joined(value, ';', now);
    } else {
      return fail("Error: Unrecognized environment manipulation argument: " + op);
    }
  }
  for (const auto& name : order) {
    const auto& variable = touched[name];
    std::erase_if(task.command.env, [&](const EnvVar& var) { return var.name == name; });
    std::erase(task.command.env_unset, name);
    if (variable.current) {
      task.command.env.push_back({name, *variable.current});
    } else {
      task.command.env_unset.push_back(name);
    }
  }
  return {};
}

}  // namespace procpool::ctest
