#include "gtest_process.hpp"

#include <boost/asio/steady_timer.hpp>

#include "console_markers.hpp"
#include "procpool/adapters/gtest/console_reader.hpp"
#include "procpool/adapters/gtest/event_listener.hpp"
#include "procpool/adapters/gtest/gtest_report.hpp"
#include "small_files.hpp"

namespace procpool::gtest {
namespace {

// How reports name the command a test ran in: a batch's filter, which names every test of the
// batch (100 KiB for thousands of tests), is shortened to its first and last tests and their
// count, so that each test's record does not carry the whole batch (it made a 20,000-test run
// copy gigabytes).
std::string command_for_reports(const std::vector<std::string>& argv, std::size_t tests) {
  constexpr std::size_t kLongestFilter = 256;
  std::vector<std::string> shown = argv;
  for (auto& arg : shown) {
    if (arg.rfind("--gtest_filter=", 0) != 0 || arg.size() <= kLongestFilter) continue;
    const std::size_t first_end = arg.find(':');
    const std::size_t last_start = arg.rfind(':');
    arg = arg.substr(0, first_end) + ":...:" + arg.substr(last_start + 1) + " (" +
          std::to_string(tests) + " tests)";
  }
  return shell_join(shown);
}

// The process's own deadline is off: time is kept per test here (and per set-up and tear-down).
// After the process ended, how long its last events may take to arrive. They are normally there
// at once: the stream is read until the program's connection closes, and every process of the
// task is dead by then. Only a process that escaped the task and holds the socket delays it.
constexpr std::chrono::milliseconds kStreamPatience{2000};

// The gtest process as it runs: the observer of its attempt on the executor below.
class Run : public schedule::AttemptObserver, public std::enable_shared_from_this<Run> {
 public:
  Run(boost::asio::io_context& io, GtestProcessRequest request, GtestProcessCallbacks callbacks)
      : io_(io),
        request_(std::move(request)),
        callbacks_(std::move(callbacks)),
        record_(request_.tests),
        timer_(io),
        began_wall_(request_.tests.size()),
        position_(request_.tests.size(), kNotJudged) {
    for (std::size_t i = 0; i < request_.judged.size(); ++i) position_[request_.judged[i]] = i;
  }

  void start(schedule::Executor& executor, const schedule::Launch& launch) {
    Command& command = request_.command;
    if (request_.source == EventSource::stream) open_stream();
    // The console is read for events when there is no stream, and for each test's slice of the
    // output in a batch. A test alone owns the whole output.
    if (request_.source == EventSource::console || !request_.alone) {
      console_.emplace(request_.tests);
    }
    if (request_.repeat > 1)
      command.argv.push_back("--gtest_repeat=" + std::to_string(request_.repeat));
    if (!request_.json_report.empty()) {
      command.argv.push_back("--gtest_output=json:" + request_.json_report.string());
    }
    command.env_unset.push_back("GTEST_STREAM_RESULT_TO");
    if (request_.source == EventSource::console && !request_.premature_exit_file.empty()) {
      command.env.push_back({"TEST_PREMATURE_EXIT_FILE", request_.premature_exit_file.string()});
    }

    schedule::Launch inner = launch;
    inner.derived = &command;
    inner.deadline.reset();  // the process has none: each test has test_timeout (see arm)
    executor.start(inner, shared_from_this());
  }

  void started(schedule::StopAttempt stop) override {
    stop_ = stop;
    arm();
    if (callbacks_.forward) callbacks_.forward->started(std::move(stop));
  }
  void output(int stream, std::string_view bytes) override {
    on_output(stream, bytes);
    if (callbacks_.forward) callbacks_.forward->output(stream, bytes);
  }
  void slow(std::chrono::milliseconds running) override {
    if (callbacks_.forward) callbacks_.forward->slow(running);
  }
  void pending(const std::string& reason) override {
    if (callbacks_.forward) callbacks_.forward->pending(reason);
  }
  void done(AttemptResult result) override { on_process_end(std::move(result)); }

 private:
  static constexpr std::size_t kNotJudged = static_cast<std::size_t>(-1);

  void open_stream() {
    std::weak_ptr<Run> weak = shared_from_this();
    auto listener =
        EventListener::open(io_, request_.stream_address, [weak](const ProgramEvent& event) {
          if (auto self = weak.lock()) self->on_event(event);
        });
    if (!listener) {
      // No socket (a network namespace without loopback): the console, which reports name.
      request_.source = EventSource::console;
      stream_error_ = listener.error();
      return;
    }
    listener_ = std::move(*listener);
    request_.command.argv.push_back("--gtest_stream_result_to=" + request_.stream_host + ":" +
                                    std::to_string(listener_->port()));
  }

  void on_output(int stream, std::string_view bytes) {
    if (!console_) return;
    if (stream == 2) {
      console_->feed_stderr(bytes);
      return;
    }
    auto events = console_->feed_stdout(bytes);
    if (request_.source == EventSource::console) {
      for (const auto& event : events) on_event(event);
    }
  }

  void on_event(const ProgramEvent& event) {
    const auto change = record_.add(event);
    using Kind = ProgramRecord::Change::Kind;
    if (change.kind == Kind::nothing) return;
    arm();
    if (change.kind == Kind::test_started) {
      began_wall_[change.test] = std::chrono::system_clock::now();
      if (position_[change.test] != kNotJudged && callbacks_.test_started) {
        callbacks_.test_started(position_[change.test]);
      }
    }
  }

  // Each test has the timeout from its start; the time before the first test and after each
  // (global and suite set-up and tear-down) has as much, so a hang there ends too. Moving the
  // deadline only notes it: the one timer, when it fires early, waits again for the rest (a
  // timer re-armed at every test start and end cost a batch of fast tests ~2 system calls each).
  void arm() {
    if (!request_.test_timeout || ended_) return;
    deadline_ = std::chrono::steady_clock::now() + *request_.test_timeout;
    if (!timer_armed_) wait_for_deadline();
  }
  void wait_for_deadline() {
    timer_armed_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      if (ec || self->ended_) {
        self->timer_armed_ = false;
        return;
      }
      // The stream is read in bursts: what arrived since may move the deadline.
      if (self->listener_) self->listener_->drain();
      if (std::chrono::steady_clock::now() < self->deadline_) {
        self->wait_for_deadline();  // a test started or ended meanwhile: its time runs on
        return;
      }
      self->timer_armed_ = false;
      if (self->stop_) self->stop_(OutcomeKind::timed_out);
    });
  }

  void on_process_end(AttemptResult process) {
    ended_ = true;
    timer_.cancel();
    stop_ = nullptr;
    if (console_) {
      auto events = console_->finish();
      if (request_.source == EventSource::console) {
        for (const auto& event : events) on_event(event);
      }
    }
    if (!listener_) {
      decide(std::move(process));
      return;
    }
    listener_->finish(kStreamPatience,
                      [self = shared_from_this(), process = std::move(process)]() mutable {
                        self->decide(std::move(process));
                      });
  }

  void decide(AttemptResult process) {
    const bool protocol_error = listener_ && listener_->protocol_error();
    if (listener_) listener_->close();
    std::optional<GtestReport> report;
    const bool exited =
        process.outcome.kind == OutcomeKind::passed || process.outcome.kind == OutcomeKind::failed;
    if (!request_.json_report.empty()) {
      if (exited) {
        if (auto json = read_file_if_present(request_.json_report))
          report = GtestReport::parse(*json);
      }
      std::error_code ignored;
      std::filesystem::remove(request_.json_report, ignored);
    }
    JudgeInput input;
    input.record = &record_;
    input.process = process.outcome;
    input.report = report ? &*report : nullptr;
    input.alone = request_.alone;
    input.exit_judged_alone = request_.exit_judged_alone;
    input.source = request_.source;
    input.protocol_error = protocol_error;
    if (request_.source == EventSource::console && !request_.premature_exit_file.empty()) {
      // gtest creates the file at start and deletes it at a normal end: still there, it quit.
      std::error_code ignored;
      input.premature_exit = std::filesystem::remove(request_.premature_exit_file, ignored);
    }
    input.timeout = request_.test_timeout;

    GtestProcessResult result;
    result.judgement = judge(input, request_.judged);
    result.source = request_.source;
    result.command = command_for_reports(request_.command.argv, request_.tests.size());
    result.extras = record_.extras();
    result.disabled_noted = console_ && console_->disabled_noted();
    result.record = &record_;
    result.stream_error = stream_error_;
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < request_.judged.size(); ++i) {
      const std::size_t test = request_.judged[i];
      JudgedTest judged;
      judged.evidence = result.judgement.tests[i].evidence;
      AttemptResult& attempt = judged.result;
      attempt.outcome = result.judgement.tests[i].outcome;
      attempt.pid = process.pid;
      if (request_.alone || i == 0) attempt.start_cost = process.start_cost;  // one process
      attempt.events = to_string(request_.source);
      attempt.command = result.command;
      if (report) attempt.properties = report->properties(request_.tests[test]);
      if (request_.alone) {
        attempt.out = process.out;
        attempt.err = process.err;
        attempt.started_at = process.started_at;
        attempt.duration = process.duration;
      } else {
        const TestSeen& seen = record_.test(test);
        attempt.out = console_->take_out(test);
        attempt.err = console_->take_err(test);
        attempt.started_at = seen.started ? began_wall_[test] : process.started_at;
        // gtest's own measure where the stream gave it: events are read in bursts, so their
        // arrival says less than gtest does.
        attempt.duration = !seen.started  ? std::chrono::nanoseconds(0)
                           : seen.elapsed ? std::chrono::nanoseconds(*seen.elapsed)
                           : seen.ended   ? seen.finished - seen.began
                                          : now - seen.began;
      }
      result.tests.push_back(std::move(judged));
    }
    if (!request_.alone) {
      give_unclaimed_output_to_the_blamed(result);
      share_the_time_between_tests(result, process);
    }
    result.process = std::move(process);
    auto done = std::move(callbacks_.done);
    done(std::move(result));
  }

  // Gives each test of a batch its cost for the plan: its own measure plus an even part of its
  // process's time that no measure covers (the program's start and end, gtest's work around
  // each test, suites' set-ups, the milliseconds gtest's measures drop). Without it a suite of
  // tests measured at 0 ms looks free and the plan loads one batch with all of them; with it,
  // each batch's members carry that batch's own start, so batches planned equal end together.
  // The process's times, not the events', which are read in bursts. Only when every test ran.
  void share_the_time_between_tests(GtestProcessResult& result, const AttemptResult& process) {
    const std::size_t tests = request_.tests.size();
    if (tests == 0) return;
    std::chrono::nanoseconds measured{0};
    for (std::size_t test = 0; test < tests; ++test) {
      const TestSeen& seen = record_.test(test);
      if (!seen.ended || !seen.elapsed) return;
      measured += *seen.elapsed;
    }
    const auto between =
        std::max(std::chrono::nanoseconds(0), process.duration - process.start_cost - measured);
    const auto share = between / static_cast<long long>(tests);
    for (JudgedTest& judged : result.tests) judged.result.cost = judged.result.duration + share;
  }

  // A test can print a RUN line naming another; what the console then sliced to a test the
  // events say never started belongs to the test that was running.
  void give_unclaimed_output_to_the_blamed(GtestProcessResult& result) {
    const auto blamed = result.judgement.blamed;
    if (!blamed || position_[*blamed] == kNotJudged) return;
    AttemptResult& to = result.tests[position_[*blamed]].result;
    auto out = std::make_shared<Capture>();
    auto err = std::make_shared<Capture>();
    to.out->for_each_chunk([&](std::string_view chunk) { out->append(chunk); });
    to.err->for_each_chunk([&](std::string_view chunk) { err->append(chunk); });
    bool moved = false;
    for (std::size_t test = 0; test < request_.tests.size(); ++test) {
      if (record_.test(test).started || !console_->started(test)) continue;
      const auto stray_out = console_->take_out(test);
      const auto stray_err = console_->take_err(test);
      stray_out->for_each_chunk([&](std::string_view chunk) { out->append(chunk); });
      stray_err->for_each_chunk([&](std::string_view chunk) { err->append(chunk); });
      moved = true;
      if (position_[test] != kNotJudged) {
        result.tests[position_[test]].result.out = std::make_shared<Capture>(0);
        result.tests[position_[test]].result.err = std::make_shared<Capture>(0);
      }
    }
    if (!moved) return;
    to.out = std::move(out);
    to.err = std::move(err);
  }

  boost::asio::io_context& io_;
  GtestProcessRequest request_;
  GtestProcessCallbacks callbacks_;
  ProgramRecord record_;
  std::optional<ConsoleReader> console_;
  std::shared_ptr<EventListener> listener_;
  std::string stream_error_;
  boost::asio::steady_timer timer_;
  schedule::StopAttempt stop_;
  std::chrono::steady_clock::time_point deadline_{};
  bool timer_armed_ = false;
  std::vector<WallTime> began_wall_;
  std::vector<std::size_t> position_;  // a test's place among the judged, or kNotJudged
  bool ended_ = false;
};

}  // namespace

std::string filter_for(const std::vector<std::string>& tests) {
  std::string filter;
  for (const auto& name : tests) {
    if (!filter.empty()) filter += ':';
    for (char c : name) filter += (c == '*' || c == '?' || c == ':' || c == '-') ? '?' : c;
  }
  return filter;
}

void set_filter(std::vector<std::string>& argv, const std::string& filter) {
  const std::string arg = "--gtest_filter=" + filter;
  for (auto& each : argv) {
    if (each.rfind("--gtest_filter=", 0) == 0) {
      each = arg;
      return;
    }
  }
  argv.insert(argv.begin() + (argv.empty() ? 0 : 1), arg);
}

Command gtest_command(Command program, const std::string& filter,
                      const std::filesystem::path& tmp) {
  set_filter(program.argv, filter);
  keep_console_readable(program.argv, program.env_unset);
  program.env.push_back({"TEST_TMPDIR", tmp.string()});
  program.env_unset.insert(program.env_unset.end(), {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX",
                                                     "GTEST_SHARD_STATUS_FILE", "GTEST_OUTPUT"});
  return program;
}

void start_gtest_process(boost::asio::io_context& io, schedule::Executor& executor,
                         const schedule::Launch& launch, GtestProcessRequest request,
                         GtestProcessCallbacks callbacks) {
  std::make_shared<Run>(io, std::move(request), std::move(callbacks))->start(executor, launch);
}

}  // namespace procpool::gtest
