// procpool.exe: the Windows build's entry point. Windows hands main() its arguments in the ANSI
// code page, which loses every letter outside it; procpool speaks UTF-8 throughout, so the
// arguments are read again as UTF-16 and converted. (No pool-worker guard: the Windows build has
// no `procpool bench`, the only user of procpool's own pool.)
#include <windows.h>
// after windows.h, which it needs
#include <shellapi.h>

#include <string>
#include <vector>

#include "app.hpp"
#include "procpool/runner/core/windows_text.hpp"

int main() {
  int argc = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &argc);
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.push_back(procpool::utf8(wide[i]));
  ::LocalFree(wide);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return procpool::cli::main_entry(argc, argv.data());
}
