#include "child_support.hpp"

#include <cxxabi.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <typeinfo>

namespace procpool::detail {

void flush_standard_streams() {
  std::cout.flush();
  std::cerr.flush();
  std::clog.flush();
  std::fflush(nullptr);
}

std::string current_exception_type() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) return "unknown exception";
  int status = 0;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string result = status == 0 && name ? name : type->name();
  std::free(name);
  return result;
}

}  // namespace procpool::detail
