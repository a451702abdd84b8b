// The one helper child program that the integration tests drive. Its arguments are a list of
// steps run in order, so one binary plays every role a test needs:
//   exit N | sleep S | print TEXT | eprint TEXT | env NAME | ignore-term | write-bytes N |
//   binary | crash segv|abort | spawn-grandchild | setsid-grandchild | pidfile FILE |
//   slot-check DIR J | slot-hold DIR J SECONDS | fail-until FILE N | join-parent-group |
//   join-group-of FILE | group-grandchild | detached-grandchild | assert-dead FILE |
//   wait-file FILE | -- (ignore the
//   rest, e.g. an input that procpool appended)
// With no `exit` step it exits 0.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char* self_path = nullptr;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "pp_helper: %s\n", message.c_str());
  std::_Exit(90);
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die(std::string("write failed: ") + std::strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void append_pid(const char* file, pid_t pid) {
  int fd = ::open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) die(std::string("cannot open pidfile ") + file);
  std::string line = std::to_string(pid) + "\n";
  write_all(fd, line.data(), line.size());
  ::close(fd);
}

// A grandchild that ignores SIGTERM and sleeps long, holding our stdout/stderr open.
void spawn_grandchild(bool escape_group) {
  pid_t pid = ::fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    if (escape_group) ::setsid();
    // main() records this pid in PP_PIDFILE after the exec.
    ::execl(self_path, self_path, "ignore-term", "sleep", "300", static_cast<char*>(nullptr));
    std::_Exit(91);
  }
}

// A grandchild that ignores SIGTERM and sleeps long, recorded in PP_PIDFILE by main(). `how`:
// "group" puts it in a process group of its own (what `set -m` gives a background job);
// "detached" makes it a daemon: a session of its own and no descriptor of ours, so nothing but
// the process tree ties it to the task.
void spawn_moved_grandchild(const std::string& how) {
  pid_t pid = ::fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    if (how == "group") {
      ::setpgid(0, 0);
    } else {
      ::setsid();
      const int null_fd = ::open("/dev/null", O_RDWR);
      for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);
    }
    ::execl(self_path, self_path, "ignore-term", "sleep", "300", static_cast<char*>(nullptr));
    std::_Exit(91);
  }
}

// Moves this process into `pgid`'s group; says on stderr whether the kernel allowed it (it must
// not for a group of another session).
void join_group(pid_t pgid) {
  if (::setpgid(0, pgid) == 0)
    std::fprintf(stderr, "pp_helper: joined group %d\n", pgid);
  else
    std::fprintf(stderr, "pp_helper: could not join group %d: %s\n", pgid, std::strerror(errno));
}

std::string wait_for_file(const std::string& file) {
  for (int i = 0; i < 1000; ++i) {
    if (FILE* f = std::fopen(file.c_str(), "r")) {
      char buffer[64] = {};
      const bool got = std::fgets(buffer, sizeof buffer, f) != nullptr;
      std::fclose(f);
      if (got) return buffer;
    }
    ::usleep(10000);
  }
  die("no file " + file);
}

bool alive(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return false;
  char text[512] = {};
  const bool read = std::fgets(text, sizeof text, f) != nullptr;
  std::fclose(f);
  const char* close = read ? std::strrchr(text, ')') : nullptr;
  return close && close[1] == ' ' && close[2] != 'Z';
}

// Exits 98 naming the first process listed in FILE that is still alive.
void assert_dead(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) die("cannot read " + file);
  for (int pid; std::fscanf(f, "%d", &pid) == 1;) {
    if (alive(pid)) {
      std::fprintf(stderr, "pp_helper: pid %d is still alive\n", pid);
      std::_Exit(98);
    }
  }
  std::fclose(f);
}

// Fails (exit 99) when the slot is already taken or more than `jobs` helpers run at once.
void slot_check(const std::string& dir, int jobs, double hold_seconds = 0.02) {
  const char* slot = std::getenv("PROCPOOL_SLOT");
  if (!slot) die("PROCPOOL_SLOT is not set");
  const std::string slot_file = dir + "/slot-" + slot;
  int fd = ::open(slot_file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "pp_helper: slot %s shared\n", slot);
    std::_Exit(99);
  }
  ::close(fd);
  int running = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) running += std::strncmp(e->d_name, "slot-", 5) == 0;
    ::closedir(d);
  }
  if (running > jobs) {
    std::fprintf(stderr, "pp_helper: %d running, more than %d\n", running, jobs);
    std::_Exit(99);
  }
  ::usleep(static_cast<useconds_t>(hold_seconds * 1e6));
  ::unlink(slot_file.c_str());
}

// Counts its calls in FILE; fails until the count reaches N.
int fail_until(const std::string& file, int n) {
  int count = 0;
  if (FILE* f = std::fopen(file.c_str(), "r")) {
    if (std::fscanf(f, "%d", &count) != 1) count = 0;
    std::fclose(f);
  }
  ++count;
  if (FILE* f = std::fopen(file.c_str(), "w")) {
    std::fprintf(f, "%d\n", count);
    std::fclose(f);
  }
  return count >= n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  self_path = argv[0];
  if (const char* pidfile = std::getenv("PP_PIDFILE")) append_pid(pidfile, ::getpid());
  for (int i = 1; i < argc; ++i) {
    const std::string step = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("step " + step + " needs an argument");
      return argv[++i];
    };
    if (step == "--") {
      break;
    } else if (step == "exit") {
      std::fflush(stdout);
      return std::atoi(next().c_str());
    } else if (step == "sleep") {
      const double seconds = std::atof(next().c_str());
      ::usleep(static_cast<useconds_t>(seconds * 1e6));
    } else if (step == "print") {
      std::printf("%s\n", next().c_str());
      std::fflush(stdout);
    } else if (step == "eprint") {
      std::fprintf(stderr, "%s\n", next().c_str());
    } else if (step == "env") {
      const std::string name = next();
      const char* value = std::getenv(name.c_str());
      std::printf("%s=%s\n", name.c_str(), value ? value : "<unset>");
      std::fflush(stdout);
    } else if (step == "ignore-term") {
      std::signal(SIGTERM, SIG_IGN);
    } else if (step == "write-bytes") {
      long long remaining = std::atoll(next().c_str());
      std::string block(1 << 16, '\0');
      for (size_t k = 0; k < block.size(); ++k) block[k] = static_cast<char>('a' + k % 26);
      while (remaining > 0) {
        const size_t n = static_cast<size_t>(std::min<long long>(remaining, block.size()));
        write_all(1, block.data(), n);
        remaining -= static_cast<long long>(n);
      }
    } else if (step == "binary") {
      char bytes[256];
      for (int b = 0; b < 256; ++b) bytes[b] = static_cast<char>(b);
      write_all(1, bytes, sizeof bytes);
    } else if (step == "crash") {
      const std::string how = next();
      std::fflush(stdout);
      // Under a sanitizer build the runtime catches SEGV and exits 1; a test wants the signal.
      std::signal(SIGSEGV, SIG_DFL);
      std::signal(SIGABRT, SIG_DFL);
      if (how == "abort") std::abort();
      std::raise(SIGSEGV);
    } else if (step == "spawn-grandchild") {
      spawn_grandchild(false);
    } else if (step == "setsid-grandchild") {
      spawn_grandchild(true);
    } else if (step == "detached-grandchild") {
      spawn_moved_grandchild("detached");
    } else if (step == "group-grandchild") {
      spawn_moved_grandchild("group");
    } else if (step == "join-parent-group") {
      join_group(::getpgid(::getppid()));
    } else if (step == "join-group-of") {
      join_group(::getpgid(std::atoi(wait_for_file(next()).c_str())));
    } else if (step == "assert-dead") {
      assert_dead(next());
    } else if (step == "wait-file") {
      wait_for_file(next());
    } else if (step == "pidfile") {
      append_pid(next().c_str(), ::getpid());
    } else if (step == "slot-check") {
      const std::string dir = next();
      slot_check(dir, std::atoi(next().c_str()));
    } else if (step == "slot-hold") {
      const std::string dir = next();
      const int jobs = std::atoi(next().c_str());
      slot_check(dir, jobs, std::atof(next().c_str()));
    } else if (step == "fail-until") {
      const std::string file = next();
      if (int rc = fail_until(file, std::atoi(next().c_str())); rc != 0) return rc;
    } else {
      die("unknown step " + step);
    }
  }
  return 0;
}
