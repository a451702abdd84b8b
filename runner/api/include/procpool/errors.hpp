// The errors the multiprocessing-style API throws; all derive from procpool::Error.
#pragma once

#include <stdexcept>
#include <string>

namespace procpool {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Misuse, as in Python: starting a process twice, joining one that never started, ...
class UsageError : public Error {
 public:
  using Error::Error;
};

// A wait ran past its deadline.
class TimeoutError : public Error {
 public:
  using Error::Error;
};

}  // namespace procpool
