// The Windows build's task program for tests (pp_helper is Linux's): runs its steps in order.
//   exit N | print TEXT | eprint TEXT | sleep MS | args | env NAME | write-bytes N
//   crash access|stack|abort|failfast|divide
//   spawn-grandchild PIDFILE   (a copy of itself sleeping 60 s, holding our output; its pid to
//   PIDFILE) ignore-break               (Ctrl-Break and Ctrl-C do nothing from here on)
// `args` prints each argument as the C runtime received it, in UTF-8, one per line in [].
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string narrow(const wchar_t* wide) {
  const int size = ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
  std::string text(size > 0 ? size - 1 : 0, '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, text.data(), size, nullptr, nullptr);
  return text;
}

void out(const std::string& text, FILE* stream = stdout) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"  // a stack overflow, on purpose
int recurse(int depth) {
  volatile char buffer[4096];
  buffer[0] = static_cast<char>(depth);
  return recurse(depth + 1) + buffer[0];
}

void spawn_grandchild(const std::string& pidfile) {
  wchar_t self[MAX_PATH];
  ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring command = L"\"" + std::wstring(self) + L"\" sleep 60000";
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION info{};
  // Inherits our standard handles, so it holds the task's output open as a leftover would.
  if (!::CreateProcessW(self, command.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup,
                        &info)) {
    out("cannot start a grandchild\n", stderr);
    std::exit(120);
  }
  if (FILE* f = std::fopen(pidfile.c_str(), "w")) {
    std::fprintf(f, "%lu\n", info.dwProcessId);
    std::fclose(f);
  }
  ::CloseHandle(info.hThread);
  ::CloseHandle(info.hProcess);
}

}  // namespace

int main() {
  // Bytes as written ("\n", not the text mode's "\r\n"): the tests compare them exactly.
  ::_setmode(1, _O_BINARY);
  ::_setmode(2, _O_BINARY);
  int argc = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &argc);
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.push_back(narrow(wide[i]));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& step = args[i];
    auto next = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (step == "exit") {
      return std::atoi(next().c_str());
    } else if (step == "print") {
      out(next() + "\n");
    } else if (step == "eprint") {
      out(next() + "\n", stderr);
    } else if (step == "sleep") {
      ::Sleep(static_cast<DWORD>(std::atoi(next().c_str())));
    } else if (step == "args") {
      for (int k = 1; k < argc; ++k) out("[" + narrow(wide[k]) + "]\n");
      return 0;
    } else if (step == "env") {
      const std::string name = next();
      const char* value = std::getenv(name.c_str());
      out(name + (value ? "=" + std::string(value) : " unset") + "\n");
    } else if (step == "write-bytes") {
      std::string chunk(65536, 'x');
      long long left = std::atoll(next().c_str());
      while (left > 0) {
        const std::size_t n = left < 65536 ? static_cast<std::size_t>(left) : 65536;
        std::fwrite(chunk.data(), 1, n, stdout);
        left -= static_cast<long long>(n);
      }
      std::fflush(stdout);
    } else if (step == "crash") {
      const std::string how = next();
      if (how == "access") *static_cast<volatile int*>(nullptr) = 1;
      if (how == "stack") return recurse(0);
      if (how == "abort") std::abort();
      if (how == "failfast") ::RaiseFailFastException(nullptr, nullptr, 0);
      if (how == "divide") ::RaiseException(EXCEPTION_INT_DIVIDE_BY_ZERO, 0, 0, nullptr);
    } else if (step == "spawn-grandchild") {
      spawn_grandchild(next());
    } else if (step == "ignore-break") {
      ::SetConsoleCtrlHandler(nullptr, TRUE);                             // Ctrl-C ignored
      ::SetConsoleCtrlHandler([](DWORD) -> BOOL { return TRUE; }, TRUE);  // and Ctrl-Break
    } else {
      out("win_helper: unknown step " + step + "\n", stderr);
      return 125;
    }
  }
  return 0;
}
