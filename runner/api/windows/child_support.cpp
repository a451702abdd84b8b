// child_support.hpp's Windows half: no fork, and no thread to tie children to (the library's job
// object ends them with this process: see library_child.hpp).
#include "child_support.hpp"

#include "procpool/errors.hpp"

namespace procpool::detail {

void die_with_parent(int) {}

void on_starter_thread(const std::function<void()>& job) { job(); }

int fork_child(const std::function<void()>&) {
  throw UsageError(
      "procpool: the fork start method does not exist on Windows: use StartMethod::spawn (the "
      "default there)");
}

}  // namespace procpool::detail
