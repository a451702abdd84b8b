#include "create_process.hpp"

#include <io.h>

#include <cwchar>
#include <map>
#include <string>
#include <vector>

#include "procpool/runner/core/windows_text.hpp"
#include "procpool/runner/process/windows_command_line.hpp"

namespace procpool::process {
namespace {

// The environment the child gets: ours, less `unset`, plus `set`. Names compare without case, as
// Windows compares them; the block is sorted that way, as CreateProcessW documents.
std::wstring environment_block(const SpawnRequest& request) {
  struct NoCase {
    bool operator()(const std::wstring& a, const std::wstring& b) const {
      return ::CompareStringOrdinal(a.c_str(), int(a.size()), b.c_str(), int(b.size()), TRUE) ==
             CSTR_LESS_THAN;
    }
  };
  std::map<std::wstring, std::wstring, NoCase> variables;
  if (wchar_t* block = ::GetEnvironmentStringsW()) {
    for (const wchar_t* entry = block; *entry; entry += std::wcslen(entry) + 1) {
      const std::wstring text(entry);
      // "=C:=C:\dir" entries (the per-drive directories) have a name starting with '='.
      const std::size_t equals = text.find(L'=', 1);
      if (equals == std::wstring::npos) continue;
      variables[text.substr(0, equals)] = text.substr(equals + 1);
    }
    ::FreeEnvironmentStringsW(block);
  }
  for (const auto& name : request.env_unset) variables.erase(utf16(name));
  for (const auto& var : request.env) variables[utf16(var.name)] = utf16(var.value);
  std::wstring block;
  for (const auto& [name, value] : variables) block += name + L"=" + value + L'\0';
  block += L'\0';
  return block;
}

// PATH of the environment the child will have (as on Linux, where argv[0] is searched in it).
std::wstring child_path(const SpawnRequest& request) {
  for (const auto& var : request.env) {
    if (::CompareStringOrdinal(utf16(var.name).c_str(), -1, L"PATH", -1, TRUE) == CSTR_EQUAL) {
      return utf16(var.value);
    }
  }
  const DWORD size = ::GetEnvironmentVariableW(L"PATH", nullptr, 0);
  std::wstring path(size, L'\0');
  path.resize(::GetEnvironmentVariableW(L"PATH", path.data(), size));
  return path;
}

bool is_file(const std::wstring& path) {
  const DWORD attributes = ::GetFileAttributesW(path.c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

// The program to start, as CreateProcessW's first argument: argv[0] itself when it names a
// path, else the first match in PATH; ".exe" is tried when the name has no extension. Windows'
// own search would look in the runner's directory and the current one first, which Linux's
// execvp does not: an explicit search keeps the two platforms' lookups alike.
Result<std::wstring> find_program(const SpawnRequest& request) {
  const std::wstring name = utf16(request.argv[0]);
  const bool has_extension = name.find(L'.', name.find_last_of(L"\\/:") + 1) != std::wstring::npos;
  auto candidates = [&](const std::wstring& base) {
    std::vector<std::wstring> list{base};
    if (!has_extension) list.insert(list.begin(), base + L".exe");
    return list;
  };
  if (name.find_first_of(L"\\/:") != std::wstring::npos) {
    for (const auto& candidate : candidates(name)) {
      if (is_file(candidate)) return candidate;
    }
    const DWORD attributes = ::GetFileAttributesW(name.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return fail("Is a directory: " + request.argv[0]);
    }
    return fail(windows_error_text(ERROR_FILE_NOT_FOUND) + ": " + request.argv[0]);
  }
  const std::wstring path = child_path(request);
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find(L';', begin);
    if (end == std::wstring::npos) end = path.size();
    std::wstring dir = path.substr(begin, end - begin);
    begin = end + 1;
    if (dir.empty()) continue;
    if (dir.back() != L'\\' && dir.back() != L'/') dir += L'\\';
    for (const auto& candidate : candidates(dir + name)) {
      if (is_file(candidate)) return candidate;
    }
  }
  return fail(windows_error_text(ERROR_FILE_NOT_FOUND) + ": " + request.argv[0]);
}

// Whether an exit status is an exception code (NTSTATUS with error severity: 0xC0000000 and up)
// rather than a code the program chose. abort() exits with 3, an exit code like any other.
bool is_exception_code(DWORD code) { return (code & 0xC0000000u) == 0xC0000000u; }

}  // namespace

Outcome outcome_of_exit_code(DWORD code) {
  if (is_exception_code(code)) return Outcome::crashed_with(code);
  return Outcome::exited(static_cast<int>(code));
}

Result<OwnedHandle> inheritable_handle(int fd, bool for_reading) {
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE source = fd < 0 ? INVALID_HANDLE_VALUE : reinterpret_cast<HANDLE>(::_get_osfhandle(fd));
  if (source == INVALID_HANDLE_VALUE || source == reinterpret_cast<HANDLE>(-2)) {
    // None asked for, or this process has none there (a GUI program, a closed stream): NUL.
    OwnedHandle nul(::CreateFileW(L"NUL", for_reading ? GENERIC_READ : GENERIC_WRITE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING,
                                  0, nullptr));
    if (!nul) return fail("cannot open NUL: " + windows_error_text(::GetLastError()));
    return nul;
  }
  HANDLE copy = nullptr;
  if (!::DuplicateHandle(::GetCurrentProcess(), source, ::GetCurrentProcess(), &copy, 0, TRUE,
                         DUPLICATE_SAME_ACCESS)) {
    return fail("cannot pass a standard stream: " + windows_error_text(::GetLastError()));
  }
  return OwnedHandle(copy);
}

Result<OwnedHandle> make_job() {
  OwnedHandle job(::CreateJobObjectW(nullptr, nullptr));
  if (!job) return fail("cannot create a job object: " + windows_error_text(::GetLastError()));
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                                 sizeof limits)) {
    return fail("cannot set up a job object: " + windows_error_text(::GetLastError()));
  }
  return job;
}

std::mutex& inheritance_lock() {
  static std::mutex lock;
  return lock;
}

Result<Started> create_task_process(const SpawnRequest& request, HANDLE out, HANDLE err, HANDLE in,
                                    HANDLE shared_job) {
  auto command_line = windows_command_line(request.argv);
  if (!command_line) return command_line.failure();
  auto program = find_program(request);
  if (!program) return program.failure();
  Result<OwnedHandle> job = OwnedHandle();
  if (!shared_job) job = make_job();
  if (!job) return job.failure();
  std::wstring line = utf16(*command_line);
  std::wstring environment = environment_block(request);
  const std::wstring cwd = utf16(request.working_dir);

  std::vector<HANDLE> inherited{in, out};
  if (err != out) inherited.push_back(err);
  SIZE_T size = 0;
  ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
  std::vector<char> storage(size);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage.data());
  if (!::InitializeProcThreadAttributeList(attributes, 1, 0, &size) ||
      !::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                   inherited.data(), inherited.size() * sizeof(HANDLE), nullptr,
                                   nullptr)) {
    return fail("cannot prepare the process: " + windows_error_text(::GetLastError()));
  }
  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof startup;
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = in;
  startup.StartupInfo.hStdOutput = out;
  startup.StartupInfo.hStdError = err;
  startup.lpAttributeList = attributes;
  PROCESS_INFORMATION info{};
  // Suspended until it is in its job, so nothing it starts can escape the job.
  const DWORD flags = CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT |
                      EXTENDED_STARTUPINFO_PRESENT;
  const BOOL created = ::CreateProcessW(
      program->c_str(), line.data(), nullptr, nullptr, TRUE, flags, environment.data(),
      cwd.empty() ? nullptr : cwd.c_str(), &startup.StartupInfo, &info);
  const DWORD error = ::GetLastError();
  ::DeleteProcThreadAttributeList(attributes);
  if (!created) {
    Failure failure = fail(windows_error_text(error) + ": " + request.argv[0]);
    failure.os_error = static_cast<int>(error);
    return failure;
  }
  OwnedHandle process(info.hProcess);
  OwnedHandle thread(info.hThread);
  // A shared job is a safety net for the library's children, not their only stop: where it
  // cannot take the process (we run in a job that forbids nesting), it runs without it.
  if (!::AssignProcessToJobObject(shared_job ? shared_job : job->get(), process.get()) &&
      !shared_job) {
    const DWORD assign_error = ::GetLastError();
    ::TerminateProcess(process.get(), 1);
    ::WaitForSingleObject(process.get(), INFINITE);
    return fail("cannot put the process in its job: " + windows_error_text(assign_error) + ": " +
                request.argv[0]);
  }
  ::ResumeThread(thread.get());
  return Started{std::move(process), std::move(*job), info.dwProcessId};
}

}  // namespace procpool::process
