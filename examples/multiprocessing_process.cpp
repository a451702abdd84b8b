// The seed's first program, in C++: start one child process and wait for it.
//   Python:  p = Process(target=run_proc, args=('test',)); p.start(); p.join()
// Portable as the Python is: on Windows the child is this program started again (the spawn
// start method), so the target is registered by name and main() begins with the guard, the
// C++ twin of `if __name__ == '__main__':`.
#include <unistd.h>
#include <cstdio>
#include <string>

#include <procpool/procpool.hpp>

void run_proc(const std::string& name) {
  std::printf("Run child process %s (%d)...\n", name.c_str(), static_cast<int>(::getpid()));
}
PROCPOOL_TASK(run_proc);

int main() {
  if (auto code = procpool::run_worker_if_requested()) return *code;
  std::printf("Parent process %d.\n", static_cast<int>(::getpid()));
  procpool::Process p(run_proc, std::string("test"));
  std::printf("Child process will start.\n");
  p.start();
  p.join();
  std::printf("Child process end.\n");
  return p.exitcode() == 0 ? 0 : 1;
}
