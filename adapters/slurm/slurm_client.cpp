#include "procpool/adapters/slurm/slurm_client.hpp"

#include "procpool/runner/core/duration.hpp"
#include "procpool/runner/core/stop_policy.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::slurm {

void run_slurm_client(boost::asio::io_context& io, const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout, std::function<void(ClientAnswer)> done) {
  process::SpawnRequest request;
  request.argv = argv;
  process::ChildOptions options;
  options.timeout = timeout;
  options.stop = StopPolicy::graceful(std::chrono::seconds(1));
  options.one_pipe = true;
  const std::string name = argv.empty() ? std::string() : argv.front();
  process::Child::start(io, std::move(request), std::move(options),
                        [name, timeout, done = std::move(done)](AttemptResult result) {
                          ClientAnswer answer;
                          answer.text = result.out->tail(1 << 20);
                          switch (result.outcome.kind) {
                            case OutcomeKind::passed:
                            case OutcomeKind::failed:
                              answer.status = result.outcome.exit_code;
                              break;
                            case OutcomeKind::failed_to_start:
                              answer.status = 127;
                              answer.text = result.outcome.error;
                              break;
                            case OutcomeKind::timed_out:
                              answer.text = name + " did not answer within " +
                                            std::to_string(timeout.count() / 1000) + " s";
                              break;
                            default:
                              answer.text += describe(result.outcome);
                              break;
                          }
                          done(std::move(answer));
                        });
}

ClientAnswer run_slurm_client_now(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) {
  boost::asio::io_context io(1);
  ClientAnswer answer;
  run_slurm_client(io, argv, timeout, [&](ClientAnswer a) { answer = std::move(a); });
  io.run();
  return answer;
}

}  // namespace procpool::slurm
