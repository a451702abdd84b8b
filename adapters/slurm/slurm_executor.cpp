#include "procpool/adapters/slurm/slurm_executor.hpp"

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>

#include <boost/asio/steady_timer.hpp>

#include "procpool/adapters/command/shell_words.hpp"
#include "procpool/adapters/slurm/slurm_client.hpp"
#include "procpool/adapters/slurm/srun_outcome.hpp"

namespace procpool::slurm {
namespace {

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  const auto start = trimmed.rfind('\n');
  return start == std::string::npos ? trimmed : trimmed.substr(start + 1);
}

// One job's record being asked for (SlurmExecutor::ask_job_record). A job Slurm ended shows
// COMPLETING until its node has cleaned up: a few hundred ms here, up to KillWait (30 s by
// default) for a task that ignores SIGTERM. It is asked again, less often each time, for up to
// ~15 s; then the reason is all the record can tell (srun_outcome.cpp).
struct JobRecordAsking {
  JobRecordAsking(boost::asio::io_context& io, std::string name,
                  std::function<void(std::optional<JobRecord>)> then)
      : io(io), name(std::move(name)), then(std::move(then)), timer(io) {}
  boost::asio::io_context& io;
  std::string name;
  std::function<void(std::optional<JobRecord>)> then;
  boost::asio::steady_timer timer;
  std::chrono::milliseconds pause{50};
  std::chrono::steady_clock::time_point give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(15);
};

void ask_until_ended(std::shared_ptr<JobRecordAsking> asking) {
  run_slurm_client(asking->io, job_record_query(asking->name), kClientTimeout,
                   [asking](const ClientAnswer& answer) {
                     auto record =
                         answer.status == 0 ? parse_job_record(answer.text) : std::nullopt;
                     if (!record || record->ended() ||
                         std::chrono::steady_clock::now() + asking->pause > asking->give_up) {
                       return asking->then(std::move(record));
                     }
                     asking->timer.expires_after(asking->pause);
                     asking->pause = std::min(2 * asking->pause, std::chrono::milliseconds(1000));
                     asking->timer.async_wait(
                         [asking](const boost::system::error_code&) { ask_until_ended(asking); });
                   });
}

}  // namespace

Result<SlurmOptions> prepare_slurm(const std::string& slurm_args) {
  SlurmOptions options;
  auto words = command::split_shell_words(slurm_args);
  if (!words) return fail("--slurm-args: " + words.error());
  options.srun_args = std::move(*words);
  // srun takes the last --job-name, and procpool finds each step by the name it gives it (to
  // cancel it, to read Slurm's record of it): a name of the user's would hide every step.
  for (const std::string& word : options.srun_args) {
    if (word.rfind("-J", 0) == 0 || word == "--job-name" || word.rfind("--job-name=", 0) == 0) {
      return fail("--slurm-args: \"" + word +
                  "\": procpool names each step itself (--job-name=procpool-PID-TASK-ATTEMPT), "
                  "to cancel it and to read Slurm's record of it; leave out --job-name/-J");
    }
  }
  if (const char* job = std::getenv("SLURM_JOB_ID"); job && *job) options.allocation = job;
  options.run_id = std::to_string(::getpid());

  std::vector<std::string> probe{"srun", "--test-only", "--ntasks=1", "--quiet"};
  probe.insert(probe.end(), options.srun_args.begin(), options.srun_args.end());
  probe.push_back("true");
  const ClientAnswer answer = run_slurm_client_now(probe, kClientTimeout);
  if (answer.status == 127 || answer.status == -1) {
    return fail("--executor slurm: cannot run srun (is Slurm's client installed and on PATH?): " +
                last_line(answer.text));
  }
  if (answer.status != 0) {
    return fail("--executor slurm: srun refused " +
                (slurm_args.empty() ? std::string("a one-task step")
                                    : "--slurm-args \"" + slurm_args + "\"") +
                ": " + last_line(answer.text));
  }
  return options;
}

std::vector<std::string> SlurmExecutor::srun_argv(const std::string& step_name,
                                                  const std::vector<std::string>& argv) const {
  // Not --quiet: srun's "queued and waiting for resources" is how a pending step is noticed.
  std::vector<std::string> full{"srun", "--ntasks=1", "--nodes=1", "--kill-on-bad-exit=1",
                                "--job-name=" + step_name};
  // In an allocation, a step takes only what it asks for, so -j steps run side by side.
  if (!options_.allocation.empty()) full.push_back("--exact");
  full.insert(full.end(), options_.srun_args.begin(), options_.srun_args.end());
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

namespace {

// One step as srun runs it: its waits told from srun's stderr, its end read from srun's words.
class StepObserver final : public schedule::ForwardingObserver {
 public:
  StepObserver(schedule::Observer next, SlurmExecutor& executor, std::shared_ptr<Command> command,
               std::string step_name)
      : ForwardingObserver(std::move(next)),
        executor_(executor),
        command_(std::move(command)),
        step_name_(std::move(step_name)) {}

  void output(int stream, std::string_view bytes) override {
    // srun says so on its stderr when the step cannot start yet: tell the run, once.
    if (stream == 2 && !told_) {
      for (std::string_view words :
           {"queued and waiting for resources", "step creation temporarily disabled"}) {
        if (bytes.find(words) != std::string_view::npos) {
          told_ = true;
          next_->pending("Slurm: " + std::string(words));
          break;
        }
      }
    }
    next_->output(stream, bytes);
  }
  void done(AttemptResult result) override {
    const Outcome srun = result.outcome;
    SrunReading reading = read_srun(srun, result.err->tail(64 << 10));
    // Stopped by us, or srun itself killed: its step may outlive it. The attempt ends once the
    // cancel has had its answer, so no step outlives the run; other attempts go on meanwhile.
    if (srun.kind == OutcomeKind::timed_out || srun.kind == OutcomeKind::cancelled ||
        srun.kind == OutcomeKind::signalled) {
      result.outcome = reading.outcome;
      auto shared = std::make_shared<AttemptResult>(std::move(result));
      executor_.cancel_step(step_name_, [shared, next = next_, command = command_] {
        next->done(std::move(*shared));
      });
      return;
    }
    if (reading.ask_slurm && executor_.jobs_have_records()) {
      auto shared = std::make_shared<AttemptResult>(std::move(result));
      executor_.ask_job_record(step_name_, [shared, reading = std::move(reading), next = next_,
                                            command = command_](std::optional<JobRecord> record) {
        shared->outcome = record ? judge_by_record(reading, *record) : judge_by_words(reading);
        next->done(std::move(*shared));
      });
      return;
    }
    result.outcome = judge_by_words(reading);
    next_->done(std::move(result));
  }

 private:
  SlurmExecutor& executor_;
  std::shared_ptr<Command> command_;  // what srun runs, alive until the attempt ends
  std::string step_name_;
  bool told_ = false;
};

}  // namespace

void SlurmExecutor::start(const schedule::Launch& launch, schedule::Observer observer) {
  if (!launch.spec->preset_failure.empty() || launch.command().argv.empty()) {
    inner_.start(launch, std::move(observer));  // nothing to run: the failure is already known
    return;
  }
  auto command = std::make_shared<Command>(launch.command());
  const std::string step_name = "procpool-" + options_.run_id + "-" + std::to_string(launch.index) +
                                "-" + std::to_string(launch.attempt);
  command->argv = srun_argv(step_name, argv_for_slot(*command, launch.slot));
  command->slot_marks.clear();  // done: srun's words come first now
  schedule::Launch inner_launch = launch;
  inner_launch.derived = command.get();
  inner_.start(inner_launch,
               std::make_shared<StepObserver>(std::move(observer), *this, command, step_name));
}

void SlurmExecutor::cancel_step(const std::string& step_name, std::function<void()> then) {
  if (options_.allocation.empty()) {
    run_slurm_client(io_, {"scancel", "--quiet", "--name=" + step_name}, kClientTimeout,
                     [then = std::move(then)](const ClientAnswer&) { then(); });
    return;
  }
  // A step has no name scancel can select by: find its id in the allocation.
  run_slurm_client(
      io_, {"squeue", "--noheader", "--steps", "--jobs=" + options_.allocation, "--format=%i %j"},
      kClientTimeout, [this, step_name, then = std::move(then)](const ClientAnswer& steps) {
        std::vector<std::string> ids;
        std::istringstream lines(steps.text);
        for (std::string id, name; lines >> id >> name;) {
          if (name == step_name) ids.push_back(id);
        }
        if (ids.empty()) return then();
        auto left = std::make_shared<std::size_t>(ids.size());
        for (const auto& id : ids) {
          run_slurm_client(io_, {"scancel", "--quiet", id}, kClientTimeout,
                           [left, then](const ClientAnswer&) {
                             if (--*left == 0) then();
                           });
        }
      });
}

void SlurmExecutor::ask_job_record(const std::string& name,
                                   std::function<void(std::optional<JobRecord>)> then) {
  ask_until_ended(std::make_shared<JobRecordAsking>(io_, name, std::move(then)));
}

}  // namespace procpool::slurm
