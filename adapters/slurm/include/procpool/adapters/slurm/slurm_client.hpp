// Slurm's client commands (srun --test-only, squeue, scancel) run as children of the process
// layer, like any task: in their own session, output captured, with a deadline — never a
// blocking popen inside the event loop, so a slow or hung controller holds up nothing else
// (Slurm's own MessageTimeout is 10 s by default).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace procpool::slurm {

struct ClientAnswer {
  // The exit code; 127 when it could not start (not installed, not on PATH); -1 when it died
  // of a signal or did not answer in time.
  int status = -1;
  std::string text;  // what it wrote, both streams in order; or why it gave no answer
};

inline constexpr std::chrono::seconds kClientTimeout{20};

// Starts `argv` on `io`; `done` gets the answer from the loop once it ended.
void run_slurm_client(boost::asio::io_context& io, const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout, std::function<void(ClientAnswer)> done);

// The same, waiting for the answer (before the run starts, on an io_context of its own).
ClientAnswer run_slurm_client_now(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout);

}  // namespace procpool::slurm
