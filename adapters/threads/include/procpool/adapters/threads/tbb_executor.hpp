// `tbb`: oneTBB's work-stealing scheduler in an arena of exactly N threads — the thread pool a
// C++ team already has, and the reference every other executor is compared with.
#pragma once

#include <memory>

#include "procpool/adapters/threads/in_process_executor.hpp"

namespace procpool::threads {

class TbbExecutor final : public InProcessExecutor {
 public:
  TbbExecutor(boost::asio::io_context& io, unsigned threads, TaskBody body);
  ~TbbExecutor() override;  // waits for every submitted job

 private:
  void submit(std::function<void()> job) override;

  struct State;  // keeps TBB's headers out of the users of this one
  std::unique_ptr<State> state_;
};

// The same, as bench::provide_tbb() takes it (the programs that link TBB hand it over so).
std::unique_ptr<schedule::Executor> make_tbb_executor(boost::asio::io_context& io, unsigned threads,
                                                      TaskBody body);

}  // namespace procpool::threads
