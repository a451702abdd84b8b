#include "procpool/runner/process/event_loop.hpp"

namespace procpool::process {

// Windows: shut down, not freed (event_loop.hpp says why). A few kilobytes per phase, a handful
// of phases per command.
EventLoop::~EventLoop() { io_->shutdown(); }

}  // namespace procpool::process
