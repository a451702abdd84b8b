// procpool as a library: three commands, each in its own process, two at a time.
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <procpool/runner/schedule/process_executor.hpp>
#include <procpool/runner/schedule/scheduler.hpp>

namespace {

class PrintOutput final : public procpool::Reporter {
 public:
  void on_task_finished(const procpool::TaskFinished& event) override {
    std::printf("%s -> %s: %s", event.spec->name.c_str(),
                procpool::describe(event.result->outcome).c_str(),
                event.result->out->str().c_str());
  }
};

}  // namespace

int main() {
  boost::asio::io_context io;
  procpool::schedule::ProcessExecutor executor(io, {});
  PrintOutput printer;
  procpool::schedule::Scheduler scheduler(executor, {.jobs = 2}, {&printer});
  std::vector<procpool::TaskSpec> tasks;
  for (const char* word : {"alpha", "beta", "gamma"}) {
    procpool::TaskSpec task;
    task.command.argv = {"echo", word};
    task.name = std::string("echo ") + word;
    tasks.push_back(task);
  }
  int failed = 0;
  scheduler.start(tasks, [&](const procpool::RunSummary& summary) {
    failed = static_cast<int>(summary.failed);
  });
  io.run();
  return failed == 0 ? 0 : 1;
}
