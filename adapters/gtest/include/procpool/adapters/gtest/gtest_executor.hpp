// Runs GoogleTest tests: wraps the process executor (or Slurm's), giving each process a private,
// empty TEST_TMPDIR and reading its verdicts from gtest's own events (gtest_process.hpp,
// judge.hpp). Sharding variables are removed from the child's environment, since procpool
// has already chosen the shard.
//
// start() runs one test alone; start_batch() runs several tests of one program in one process
// (`--batch`), with --gtest_filter naming them all. Both are the same thing, a process judged by
// one function: a test alone is a batch of one whose verdict is final.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>

#include "procpool/runner/schedule/executor.hpp"

namespace procpool::gtest {

struct GtestProcessRequest;
struct GtestProcessResult;
class ListingWitness;

struct GtestExecutorOptions {
  std::string temp_root;    // TEST_TMPDIRs go below it
  std::string results_dir;  // gtest's JSON reports (best on a tmpfs)
  bool keep_tmp = false;    // keep each test's TEST_TMPDIR after it ran
  // Whether a test alone in a batch's process gets its final verdict there. `procpool ctest`
  // says no: a test's verdict alone is CTest's, given by ctest's own executor, so whatever a
  // batch does not vouch for goes back to run by CTest's rules.
  bool alone_is_final = true;
  // Ask each process for gtest's JSON report, for the values tests recorded (RecordProperty),
  // which only that report carries. Only when a report keeps them (--junit, --json): it costs a
  // run of one process per test 4-6 % of its wall time (measured on fixture_many, 500 tests,
  // 2 cores: 2.37 s with --junit, 2.24 s without, medians of 5). It also tells a skip from a
  // failure where the stream cannot (in a batch whose program failed); without it, those tests
  // run again alone.
  bool record_properties = false;
  // Where to listen for gtest's result stream, and the host name the program is told to reach it
  // at: this machine's loopback, unless the program runs elsewhere (Slurm).
  std::string stream_address = "127.0.0.1";
  std::string stream_host = "127.0.0.1";
  // Programs whose gtest cannot stream its results (found when listing them): their console is
  // read instead, which a test can forge; reports say so.
  std::set<std::string> console_programs;
  // Notes for the user: a test that ran unasked, a stream that could not be opened.
  std::function<void(const std::string&)> warn;
  // A run from a remembered listing, checked by its events (listing_witness.hpp): each program's
  // first batch is its catch-all, and every process tells the witness what it saw. Not owned.
  ListingWitness* witness = nullptr;
};

class GtestExecutor final : public schedule::Executor, public schedule::BatchRunner {
 public:
  GtestExecutor(boost::asio::io_context& io, schedule::Executor& inner,
                GtestExecutorOptions options)
      : io_(io), inner_(inner), options_(std::move(options)) {}

  void start(const schedule::Launch& launch, schedule::Observer observer) override;
  void stop_all(schedule::StopMode mode) override { inner_.stop_all(mode); }
  schedule::BatchRunner* batches() override { return this; }
  void start_batch(const schedule::BatchLaunch& launch,
                   std::shared_ptr<schedule::BatchObserver> observer) override;

 private:
  struct Files {
    std::filesystem::path tmp, report, premature;
  };
  Files files_for(std::size_t index, unsigned attempt, unsigned slot);
  // What every process of `tests` (a test alone, a batch) is started with.
  GtestProcessRequest request_for(const schedule::Launch& first, std::vector<std::string> tests,
                                  const Files& files) const;
  void clean_up(const Files& files) const;
  void tell(const std::string& program, const std::string& stream_error,
            const std::vector<std::string>& extras);
  // Gives the batch its catch-all filter when it is its program's first (listing_witness.hpp).
  bool make_catch_all(GtestProcessRequest& request, const std::string& program, std::size_t index);
  // What the process showed of the listing, for the witness; the extras it did not explain.
  std::vector<std::string> witness(const std::string& program, const GtestProcessResult& result,
                                   bool catch_all);

  boost::asio::io_context& io_;
  schedule::Executor& inner_;
  GtestExecutorOptions options_;
  std::set<unsigned> created_slots_;  // slots whose TEST_TMPDIR exists
  bool told_stream_error_ = false;
};

}  // namespace procpool::gtest
