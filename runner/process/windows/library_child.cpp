#include "procpool/runner/process/library_child.hpp"

#include "create_process.hpp"
#include "procpool/runner/core/windows_text.hpp"

namespace procpool::process {
namespace {

// Made on first use and never closed: it lives exactly as long as this process.
HANDLE library_job() {
  static HANDLE job = [] {
    Result<OwnedHandle> made = make_job();
    return made ? made->release() : nullptr;
  }();
  return job;
}

}  // namespace

Result<LibraryChild> start_library_child(const SpawnRequest& request) {
  HANDLE job = library_job();
  if (!job) return fail("cannot create a job object for the library's processes");
  std::lock_guard lock(inheritance_lock());
  auto in = inheritable_handle(request.stdin_fd, /*for_reading=*/true);
  if (!in) return in.failure();
  auto out = inheritable_handle(request.stdout_fd, /*for_reading=*/false);
  if (!out) return out.failure();
  auto err = inheritable_handle(request.stderr_fd, /*for_reading=*/false);
  if (!err) return err.failure();
  auto started = create_task_process(request, out->get(), err->get(), in->get(), job);
  if (!started) return started.failure();
  return LibraryChild{static_cast<int>(started->pid), HandleToLong(started->process.release())};
}

}  // namespace procpool::process
