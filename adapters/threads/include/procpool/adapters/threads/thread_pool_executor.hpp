// `threads`: a plain pool of N std::threads over one locked queue, the pool people write by
// hand before they reach for a library.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "procpool/adapters/threads/in_process_executor.hpp"

namespace procpool::threads {

class ThreadPoolExecutor final : public InProcessExecutor {
 public:
  ThreadPoolExecutor(boost::asio::io_context& io, unsigned threads, TaskBody body);
  ~ThreadPoolExecutor() override;  // finishes queued jobs, joins the threads

 private:
  void submit(std::function<void()> job) override;
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace procpool::threads
