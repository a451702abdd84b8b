#include "procpool/runner/report/trace_reporter.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace procpool::report {
namespace {

constexpr int kPid = 1;

// Metadata events carry the category Chrome itself gives them: readers such as TracerBench's
// trace model require every event to have one.
nlohmann::json thread_name(int tid, const std::string& name) {
  return {{"name", "thread_name"}, {"cat", "__metadata"}, {"ph", "M"},
          {"pid", kPid},           {"tid", tid},          {"args", {{"name", name}}}};
}

const char* kind_after(TaskRetried::Why why) {
  switch (why) {
    case TaskRetried::Why::retry:
      return "retry";
    case TaskRetried::Why::confirm_alone:
      return "confirmation";
    case TaskRetried::Why::check_order:
      return "order-check";
    case TaskRetried::Why::rerun:
      return "rerun";
  }
  return "attempt";
}

}  // namespace

TraceReporter::TraceReporter(std::string path, TraceOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

TraceReporter::~TraceReporter() = default;

long long TraceReporter::micros(SteadyTime at) const {
  return std::chrono::duration_cast<std::chrono::microseconds>(at - options_.zero).count();
}

void TraceReporter::write_event(const std::string& json) {
  if (!file_) return;
  file_->write(first_ ? "\n" : ",\n");
  file_->write(json);
  first_ = false;
}

void TraceReporter::on_run_started(const RunStarted& event) {
  file_ = std::make_unique<AtomicFile>(path_);
  // When time 0 was on the wall clock, so that procpool merge can lay shards' traces side by
  // side at their real times.
  const auto since_zero = std::chrono::steady_clock::now() - options_.zero;
  const long long start_unix_us =
      std::chrono::duration_cast<std::chrono::microseconds>(
          (std::chrono::system_clock::now() - since_zero).time_since_epoch())
          .count();
  file_->write(R"({"displayTimeUnit":"ms","otherData":{"generator":"procpool","start_unix_us":)" +
               std::to_string(start_unix_us) + R"(},"traceEvents":[)");
  run_start_ = happened_at(event.at);
  write_event(nlohmann::json{{"name", "process_name"},
                             {"cat", "__metadata"},
                             {"ph", "M"},
                             {"pid", kPid},
                             {"args", {{"name", options_.command}}}}
                  .dump());
  // Slot N is track N; the run's own track (the listing, the whole run) comes after them, shown
  // first. Not track 0: some readers (TracerBench's trace model) take tid 0 for "no thread".
  run_track_ = static_cast<int>(event.jobs) + 1;
  write_event(thread_name(run_track_, "run").dump());
  write_event(nlohmann::json{{"name", "thread_sort_index"},
                             {"cat", "__metadata"},
                             {"ph", "M"},
                             {"pid", kPid},
                             {"tid", run_track_},
                             {"args", {{"sort_index", -1}}}}
                  .dump());
  for (unsigned slot = 1; slot <= event.jobs; ++slot) {
    write_event(thread_name(static_cast<int>(slot), "slot " + std::to_string(slot)).dump());
  }
  for (const TraceSpan& span : options_.before) {
    write_event(nlohmann::json{{"name", span.name},
                               {"cat", "listing"},
                               {"ph", "X"},
                               {"pid", kPid},
                               {"tid", run_track_},
                               {"ts", micros(span.start)},
                               {"dur", micros(span.end) - micros(span.start)}}
                    .dump());
  }
}

void TraceReporter::on_task_started(const TaskStarted& event) {
  Running& running = running_[event.index];
  running.start = happened_at(event.at);
  running.slot = event.slot;
  running.attempt = event.attempt;
  const auto kind = next_kind_.find(event.index);
  running.kind = kind == next_kind_.end() ? "attempt" : kind->second;
  if (kind != next_kind_.end()) next_kind_.erase(kind);
}

void TraceReporter::write_attempt(std::size_t index, const TaskSpec* spec, const Outcome& outcome,
                                  const AttemptResult* result, SteadyTime end) {
  const auto found = running_.find(index);
  if (found == running_.end()) return;  // it never started (not run, disabled)
  const Running& running = found->second;
  SteadyTime finish = end;
  if (spec && spec->batch != 0 && result) {
    // A batch's verdicts are told together when its process ends, each test's start as it was
    // read: a test ends where its own measure says (the first's counts its process's start
    // too), not at its process's end, which would draw the last test as the whole batch's.
    finish = std::min(end, running.start + result->start_cost + result->duration);
  }
  // Laid end to end on their slot, so a slot's events never overlap (readers draw overlapping
  // ones badly; reads in bursts can put a start before the last end).
  SteadyTime& slot_free = slot_free_[running.slot];
  const SteadyTime start = std::max(running.start, slot_free);
  slot_free = std::max(start, finish);
  nlohmann::json args{{"verdict", to_string(outcome.kind)}, {"attempt", running.attempt}};
  if (spec && spec->batch != 0) args["batch"] = spec->batch;
  if (result && !result->command.empty()) args["command"] = result->command;
  if (result && result->pid > 0) args["pid"] = result->pid;
  if (result && result->start_cost.count() > 0) {
    const long long cost = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::microseconds>(result->start_cost).count());
    args["start_us"] = cost;
    // Nested in the attempt (it begins where the attempt does): what its process's start cost.
    write_event(nlohmann::json{{"name", "start process"},
                               {"cat", "process-start"},
                               {"ph", "X"},
                               {"pid", kPid},
                               {"tid", running.slot},
                               {"ts", micros(start)},
                               {"dur", std::min(cost, micros(slot_free) - micros(start))}}
                    .dump());
  }
  write_event(nlohmann::json{{"name", spec ? report_name(*spec) : std::to_string(index)},
                             {"cat", running.kind},
                             {"ph", "X"},
                             {"pid", kPid},
                             {"tid", running.slot},
                             {"ts", micros(start)},
                             {"dur", micros(slot_free) - micros(start)},
                             {"args", std::move(args)}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  running_.erase(found);
}

void TraceReporter::on_task_retried(const TaskRetried& event) {
  write_attempt(event.index, event.spec, event.result->outcome, event.result,
                happened_at(event.at));
  next_kind_[event.index] = kind_after(event.why);
}

void TraceReporter::on_task_finished(const TaskFinished& event) {
  write_attempt(event.index, event.spec, event.result->outcome, event.result,
                happened_at(event.at));
  next_kind_.erase(event.index);
}

void TraceReporter::on_run_finished(const RunFinished& event) {
  if (!file_) return;
  const SteadyTime end = happened_at(event.at);
  write_event(nlohmann::json{{"name", "run"},
                             {"cat", "run"},
                             {"ph", "X"},
                             {"pid", kPid},
                             {"tid", run_track_},
                             {"ts", micros(run_start_)},
                             {"dur", micros(end) - micros(run_start_)}}
                  .dump());
  file_->write("\n]}\n");
  record_error(file_->commit());
  file_.reset();
}

}  // namespace procpool::report
