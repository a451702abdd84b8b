#include "test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;

namespace procpool::testing {
namespace {

// Deliberately not runner/process/orphans.cpp's parser: the survivor check must not share code
// with the orphan sweep it is checking.
struct Stat {
  int ppid = 0;
  char state = '?';
};

bool read_stat(int pid, Stat& stat) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return false;
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 4 > text.size()) return false;
  stat.state = text[close + 2];
  stat.ppid = std::atoi(text.c_str() + close + 4);
  return true;
}

std::vector<int> children_of(int parent) {
  std::vector<int> pids;
  DIR* dir = ::opendir("/proc");
  if (!dir) return pids;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    const int pid = std::atoi(entry->d_name);
    Stat stat;
    if (read_stat(pid, stat) && stat.ppid == parent) pids.push_back(pid);
  }
  ::closedir(dir);
  return pids;
}

// Whether `pid` has taken charge of `signal` (blocked it, to read it from a signalfd, or caught
// it): only then does a test's Ctrl-C reach procpool rather than end it before its `main`
// (a sanitizer build takes about a second to get there on a busy machine, longer than some
// tests wait). Signals nobody can take (SIGKILL) are ready at once. Under a wrapper, procpool
// is the wrapper's child, and both must be ready.
bool ready_for(int pid, int signal, bool wrapped) {
  if (signal == SIGKILL || signal == SIGSTOP) return true;
  if (wrapped) {
    const auto children = children_of(pid);
    if (children.empty() || !ready_for(children.front(), signal, false)) return false;
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  const unsigned long long bit = 1ull << (signal - 1);
  bool taken = false;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigBlk:", 0) == 0 || line.rfind("SigCgt:", 0) == 0) {
      taken = taken || (std::strtoull(line.c_str() + 7, nullptr, 16) & bit) != 0;
    }
  }
  return taken;
}

}  // namespace

std::string procpool_binary() { return PROCPOOL_BINARY; }
std::string helper_binary() { return PP_HELPER_BINARY; }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "procpool-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary);
  file << content;
}

CliResult run_procpool(const std::vector<std::string>& args, const CliOptions& options) {
  TempDir io_dir;
  const std::string in_path = io_dir.file("stdin");
  const std::string out_path = io_dir.file("stdout");
  const std::string err_path = io_dir.file("stderr");
  write_file(in_path, options.stdin_text);

  std::vector<std::string> argv_strings = options.wrapper;
  argv_strings.push_back(procpool_binary());
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  // A variable given in options replaces the inherited one (getenv finds the first of two).
  auto given = [&](std::string_view entry) {
    const std::string_view name = entry.substr(0, entry.find('='));
    for (const auto& e : options.env) {
      if (std::string_view(e).substr(0, e.find('=')) == name) return true;
    }
    return false;
  };
  for (char** e = environ; *e; ++e) {
    if (!given(*e)) env_strings.emplace_back(*e);
  }
  env_strings.insert(env_strings.end(), options.env.begin(), options.env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    // Nothing else of this test process: procpool starts as from a clean shell (and a test's
    // descriptor limit means what it says).
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) ::_exit(126);
    if (options.ignore_sigchld) ::signal(SIGCHLD, SIG_IGN);  // inherited across exec
    if (options.signal_group) ::setpgid(0, 0);
    if (options.fd_limit > 0) {
      const rlimit limit{static_cast<rlim_t>(options.fd_limit),
                         static_cast<rlim_t>(options.fd_limit)};
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    ::execvpe(argv[0], argv.data(), envp.data());  // a wrapper is found in PATH
    ::_exit(127);
  }

  CliResult result;
  int status = 0;
  bool signalled_once = false;
  bool signalled_twice = false;
  std::chrono::steady_clock::duration first_signal_at{};
  while (true) {
    struct rusage usage {};
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    result.max_rss_kb = usage.ru_maxrss;
    if (done == pid) break;
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (options.send_signal && !signalled_once && elapsed >= options.signal_after &&
        (!options.signal_when || options.signal_when()) &&
        ready_for(pid, options.send_signal, !options.wrapper.empty())) {
      ::kill(options.signal_group ? -pid : pid, options.send_signal);
      signalled_once = true;
      first_signal_at = elapsed;
    }
    if (options.second_signal && signalled_once && !signalled_twice &&
        elapsed >= first_signal_at + options.signal_after) {
      ::kill(options.signal_group ? -pid : pid, options.second_signal);
      signalled_twice = true;
    }
    if (elapsed > options.limit) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.err = "procpool did not finish within the test's limit\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = read_file(out_path);
  result.err += read_file(err_path);
  return result;
}

std::function<bool()> file_has_lines(const std::string& path, std::size_t count) {
  return [path, count] {
    std::ifstream file(path);
    std::size_t lines = 0;
    for (std::string line; std::getline(file, line);) ++lines;
    return lines >= count;
  };
}

namespace {

// Some process with an argument for which `wanted` holds and, if `asleep`, blocked in a sleep
// system call (what /proc/PID/syscall says it is in).
bool some_process(const std::function<bool(const std::string&)>& wanted, bool asleep) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream cmdline(it->path() / "cmdline", std::ios::binary);
    bool found = false;
    for (std::string argument; !found && std::getline(cmdline, argument, '\0');) {
      found = wanted(argument);
    }
    if (!found) continue;
    if (!asleep) return true;
    std::ifstream syscall(it->path() / "syscall");
    long number = -1;
    if ((syscall >> number) && (number == SYS_clock_nanosleep || number == SYS_nanosleep)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::function<bool()> process_with_argument(const std::string& word) {
  return [word] {
    return some_process([&](const std::string& argument) { return argument == word; }, false);
  };
}

std::function<bool()> process_sleeping_with_argument_containing(const std::string& text) {
  return [text] {
    return some_process(
        [&](const std::string& argument) { return argument.find(text) != std::string::npos; },
        true);
  };
}

namespace {

// The lines a Python script prints about a report (`python3 SCRIPT XML`), as a set; one line
// saying so when it fails.
std::set<std::string> lines_python_prints(const std::string& script_text, const std::string& xml,
                                          const std::string& scratch_dir, const std::string& name) {
  const std::string script = scratch_dir + "/" + name + ".py";
  const std::string out = scratch_dir + "/" + name + ".txt";
  write_file(script, script_text);
  const std::string command =
      "/usr/bin/python3 '" + script + "' '" + xml + "' > '" + out + "' 2>&1";
  if (std::system(command.c_str()) != 0) return {"junitparser failed: " + read_file(out)};
  std::set<std::string> seen;
  std::istringstream lines(read_file(out));
  for (std::string line; std::getline(lines, line);) seen.insert(line);
  return seen;
}

}  // namespace

std::set<std::string> junit_properties_as_junitparser_reads_them(const std::string& xml,
                                                                 const std::string& scratch_dir) {
  return lines_python_prints(R"(import sys
from junitparser import JUnitXml
for suite in JUnitXml.fromfile(sys.argv[1]):
    for p in suite.properties():
        print(suite.name, p.name, p.value)
)",
                             xml, scratch_dir, "junit-properties");
}

std::set<std::string> junit_case_places_as_junitparser_reads_them(const std::string& xml,
                                                                  const std::string& scratch_dir) {
  // junitparser's own way to read an attribute it does not model (its "custom attributes").
  return lines_python_prints(R"(import sys
from junitparser import JUnitXml, TestCase, Attr, IntAttr
TestCase.file = Attr('file')
TestCase.line = IntAttr('line')
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        if case.file is not None:
            print(case.name, case.file, case.line)
)",
                             xml, scratch_dir, "junit-places");
}

void adopt_orphans() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }

std::vector<int> surviving_descendants() {
  std::vector<int> alive;
  // Orphans that already died are zombies of ours: reap them, they did not survive.
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  for (int pid : children_of(::getpid())) {
    Stat stat;
    if (read_stat(pid, stat) && stat.state != 'Z') alive.push_back(pid);
  }
  for (int pid : alive) ::kill(pid, SIGKILL);
  for (int i = 0; i < 200 && !children_of(::getpid()).empty(); ++i) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return alive;
}

bool process_alive(int pid) {
  Stat stat;
  return read_stat(pid, stat) && stat.state != 'Z';
}

std::map<std::string, std::string> ctest_verdicts(const std::string& build_dir,
                                                  const std::string& scratch_dir) {
  const std::string xml_path = scratch_dir + "/ctest.xml";
  const std::string command = "cd '" + build_dir + "' && ctest -j2 --output-junit '" + xml_path +
                              "' > '" + scratch_dir + "/ctest.log' 2>&1";
  (void)std::system(command.c_str());
  const std::string xml = read_file(xml_path);
  std::map<std::string, std::string> v;
  const std::regex testcase(R"re(<testcase name="([^"]+)"[^>]*status="([a-z]+)")re");
  for (std::sregex_iterator it(xml.begin(), xml.end(), testcase), end; it != end; ++it) {
    std::string name = (*it)[1];
    name = std::regex_replace(name, std::regex("&lt;"), "<");
    name = std::regex_replace(name, std::regex("&gt;"), ">");
    name = std::regex_replace(name, std::regex("&amp;"), "&");
    const std::string status = (*it)[2];
    v[name] = status == "run" ? "passed" : status == "fail" ? "failed" : "skipped";
  }
  return v;
}

std::map<std::string, std::string> report_verdicts(const std::string& report_json) {
  std::map<std::string, std::string> v;
  const auto doc = nlohmann::json::parse(read_file(report_json));  // kept: tasks points into it
  for (const auto& t : doc["tasks"]) v[t["name"]] = t["verdict"];
  return v;
}

bool configure_cmake_project(const std::string& source, const std::string& build,
                             const std::vector<std::string>& defines, const std::string& log) {
  std::string command = "cmake -G Ninja -S '" + source + "' -B '" + build + "'";
  for (const auto& define : defines) {
    const auto equals = define.find('=');
    command += " -D" + define.substr(0, equals) + "='" + define.substr(equals + 1) + "'";
  }
  command += " > '" + log + "' 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace procpool::testing
