// What a source hands the runner: one task = one command line to run in its own process.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace procpool {

struct EnvVar {
  std::string name;
  std::string value;
};

struct TaskSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<EnvVar> env;        // set on top of the runner's own environment
  std::string working_dir;        // empty: the runner's
  std::string name;               // how reports name it: the command line, a test name, ...
  std::string input;              // `procpool run`: the input it was made from (for --tag)
  std::chrono::milliseconds timeout{0};  // zero: the run's default
};

// The command line as a person would type it: words shell-quoted where needed.
std::string shell_join(const std::vector<std::string>& argv);
// One word quoted for /bin/sh when it holds anything but safe characters.
std::string shell_quote(const std::string& word);

}  // namespace procpool
