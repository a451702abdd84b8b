#include "stop_signals.hpp"

namespace procpool::cli {

void run_phase(boost::asio::io_context& io, const std::function<bool()>& done,
               const std::function<void()>& stop) {
  StopSignals* signals = StopSignals::current();
  if (signals) {
    if (signals->first() != 0) stop();
    signals->watch(io, [&](int, bool) { stop(); });
  }
  // The watch keeps the loop busy: run step by step until the phase's own work is done.
  while (!done() && io.run_one() > 0) {
  }
  if (signals) signals->unwatch();
  io.restart();
}

}  // namespace procpool::cli
