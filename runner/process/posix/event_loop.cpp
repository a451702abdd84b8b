#include "procpool/runner/process/event_loop.hpp"

namespace procpool::process {

// Linux: asio's reactor has no thread of its own to outlive the loop; freed as any io_context.
EventLoop::~EventLoop() { delete io_; }

}  // namespace procpool::process
