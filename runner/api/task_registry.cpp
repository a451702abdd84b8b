// Tasks a spawned worker can find by name (PROCPOOL_TASK), since an exec'd program's addresses
// differ from ours.
#include <map>
#include <mutex>

#include "procpool/detail/pool_core.hpp"

namespace procpool::detail {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, RegisteredTask> by_name;
  std::map<AnyFunction, std::string> names;
};

Registry& registry() {
  static Registry instance;  // built on first use: registrations run during static init
  return instance;
}

}  // namespace

bool add_registered_task(RegisteredTask task) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.names[task.fn] = task.name;
  r.by_name[task.name] = std::move(task);
  return true;
}

const RegisteredTask* find_registered_task(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : &it->second;
}

const RegisteredTask* find_registered_task(AnyFunction fn) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const auto name = r.names.find(fn);
  return name == r.names.end() ? nullptr : &r.by_name.at(name->second);
}

}  // namespace procpool::detail
