// The seed's first program, in C++: start one child process and wait for it.
//   Python:  p = Process(target=run_proc, args=('test',)); p.start(); p.join()
#include <unistd.h>
#include <cstdio>
#include <string>

#include <procpool/procpool.hpp>

void run_proc(const std::string& name) {
  std::printf("Run child process %s (%d)...\n", name.c_str(), ::getpid());
}

int main() {
  std::printf("Parent process %d.\n", ::getpid());
  procpool::Process p(run_proc, std::string("test"));
  std::printf("Child process will start.\n");
  p.start();
  p.join();
  std::printf("Child process end.\n");
  return p.exitcode() == 0 ? 0 : 1;
}
