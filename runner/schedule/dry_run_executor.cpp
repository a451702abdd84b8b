#include "procpool/runner/schedule/dry_run_executor.hpp"

namespace procpool::schedule {

void DryRunExecutor::start(const Launch& launch, Observer observer) {
  show_(launch);
  post_unstarted(io_, std::move(observer), Outcome::exited(0));
}

}  // namespace procpool::schedule
