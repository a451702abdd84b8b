// Single attempts to one executor, batches to another (`procpool ctest --batch`: single tests by
// CTest's rules, batches of GoogleTest cases by the gtest executor). Both should wrap the same
// process executor, so that stopping through `single` stops every attempt.
#pragma once

#include <memory>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::schedule {

class SplitExecutor final : public Executor {
 public:
  SplitExecutor(std::unique_ptr<Executor> single, std::unique_ptr<Executor> batches)
      : single_(std::move(single)), batches_(std::move(batches)) {}
  void start(const Launch& launch, Observer observer) override {
    single_->start(launch, std::move(observer));
  }
  void stop_all(StopMode mode) override { single_->stop_all(mode); }
  BatchRunner* batches() override { return batches_->batches(); }

 private:
  std::unique_ptr<Executor> single_, batches_;
};

}  // namespace procpool::schedule
