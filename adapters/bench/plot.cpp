#include "procpool/adapters/bench/plot.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <boost/asio/io_context.hpp>

#include "procpool/adapters/bench/report.hpp"
#include "procpool/runner/core/fd_io.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::bench {
namespace fs = std::filesystem;

namespace {

Result<void> run_script(const std::string& script, const std::string& csv, const std::string& out) {
  boost::asio::io_context io(1);
  process::SpawnRequest request;
  request.argv = {script, csv, out};
  process::ChildOptions options;
  options.timeout = std::chrono::seconds(60);
  Result<void> drawn;
  process::Child::start(io, request, options, [&](AttemptResult result) {
    if (!result.outcome.succeeded()) {
      drawn =
          fail(script + " failed (" + describe(result.outcome) + "): " + result.err->tail(2000));
    }
  });
  io.run();
  return drawn;
}

}  // namespace

Result<void> check_plot_request(const std::string& path, const std::vector<Cell>& cells) {
  const std::string ext = fs::path(path).extension().string();
  if (ext != ".svg" && ext != ".png") return fail("--plot must name a .svg or .png file: " + path);
  const bool plottable = std::any_of(cells.begin(), cells.end(), [](const Cell& c) {
    return size_kind(c.workload) == SizeKind::duration;
  });
  if (!plottable) {
    return fail(
        "--plot draws throughput against task duration: it needs a cpu, sleep or crash workload");
  }
  return ok();
}

Result<void> draw_plot(const std::string& script, const std::vector<CellResult>& results,
                       const std::string& csv_path, const std::string& out) {
  if (!csv_path.empty()) return run_script(script, csv_path, out);
  // The plot script reads a CSV: a temporary one.
  const char* tmp = std::getenv("TMPDIR");
  std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/procpool-bench-XXXXXX.csv";
  const int fd = ::mkstemps(name.data(), 4);
  if (fd < 0) {
    return fail("cannot create a temporary CSV for the plot: " + std::string(std::strerror(errno)));
  }
  const bool written = write_all(fd, to_csv(results));
  const int write_errno = errno;
  ::close(fd);
  Result<void> drawn = written ? run_script(script, name, out)
                               : fail("cannot write a temporary CSV for the plot: " +
                                      std::string(std::strerror(write_errno)));
  ::unlink(name.c_str());
  return drawn;
}

}  // namespace procpool::bench
