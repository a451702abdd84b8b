#include "procpool/adapters/bench/workload.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <tuple>

namespace procpool::bench {

namespace {

constexpr std::pair<Workload, std::string_view> kNames[] = {
    {Workload::noop, "noop"},   {Workload::cpu, "cpu"},     {Workload::sleep, "sleep"},
    {Workload::alloc, "alloc"}, {Workload::crash, "crash"},
};

Result<std::uint64_t> parse_u64(const std::string& word, const char* what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || end != word.data() + word.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return fail(std::string("bad ") + what + ": '" + word + "'");
  }
  if (ec == std::errc::result_out_of_range) {
    return fail(std::string(what) + " out of range: '" + word + "'");
  }
  return value;
}

}  // namespace

std::string_view to_string(Workload workload) {
  for (const auto& [w, name] : kNames)
    if (w == workload) return name;
  return "?";
}

std::optional<Workload> parse_workload(std::string_view name) {
  for (const auto& [w, n] : kNames)
    if (n == name) return w;
  return std::nullopt;
}

std::vector<Workload> all_workloads() {
  std::vector<Workload> all;
  for (const auto& [w, name] : kNames) all.push_back(w);
  return all;
}

SizeKind size_kind(Workload workload) {
  switch (workload) {
    case Workload::noop:
      return SizeKind::none;
    case Workload::alloc:
      return SizeKind::bytes;
    default:
      return SizeKind::duration;
  }
}

Result<Size> parse_size(std::string_view text) {
  Size size{std::string(text)};
  if (text == "0") return size;
  std::size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
    ++digits;
  const std::string number(text.substr(0, digits));
  const std::string unit(text.substr(digits));
  char* end = nullptr;
  const double value = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(value > 0))
    return fail("bad size '" + size.text +
                "': expected a positive number with a unit, e.g. 10us, 1ms, 16MB");
  struct Unit {
    std::string_view name;
    double factor;
    SizeKind kind;
  };
  static constexpr Unit kUnits[] = {
      {"ns", 1, SizeKind::duration},
      {"us", 1e3, SizeKind::duration},
      {"ms", 1e6, SizeKind::duration},
      {"s", 1e9, SizeKind::duration},
      {"B", 1, SizeKind::bytes},
      {"KB", 1024.0, SizeKind::bytes},
      {"KiB", 1024.0, SizeKind::bytes},
      {"MB", 1048576.0, SizeKind::bytes},
      {"MiB", 1048576.0, SizeKind::bytes},
      {"GB", 1073741824.0, SizeKind::bytes},
      {"GiB", 1073741824.0, SizeKind::bytes},
  };
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    const double scaled = value * u.factor;
    if (scaled > 1e15) return fail("size '" + size.text + "' is too large");
    size.value = static_cast<std::uint64_t>(std::llround(scaled));
    if (size.value == 0) return fail("size '" + size.text + "' rounds to zero");
    size.kind = u.kind;
    return size;
  }
  return fail("bad size '" + size.text + "': unknown unit '" + unit +
              "' (durations: ns us ms s; bytes: B KB MB GB)");
}

std::vector<std::string> to_words(const WorkItem& item) {
  return {std::string(to_string(item.workload)), std::to_string(item.amount),
          std::to_string(item.index), std::to_string(item.crash_every)};
}

Result<WorkItem> from_words(const std::vector<std::string>& words) {
  if (words.size() != 4) {
    return fail("expected 4 words: WORKLOAD AMOUNT INDEX CRASH_EVERY, got " +
                std::to_string(words.size()));
  }
  WorkItem item;
  const auto workload = parse_workload(words[0]);
  if (!workload) return fail("unknown workload '" + words[0] + "'");
  item.workload = *workload;
  for (const auto& [field, word, what] :
       {std::tuple{&item.amount, &words[1], "amount"},
        std::tuple{&item.index, &words[2], "task index"},
        std::tuple{&item.crash_every, &words[3], "crash period"}}) {
    auto value = parse_u64(*word, what);
    if (!value) return value.failure();
    *field = *value;
  }
  return item;
}

std::uint64_t cpu_steps(std::uint64_t seed, std::uint64_t steps) {
  // Each round depends on the previous one, so the compiler can neither vectorise nor fold it.
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::uint64_t i = 0; i < steps; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    x ^= x >> 29;
  }
  return x;
}

namespace {

Result<std::uint64_t> touch_pages(std::uint64_t bytes, std::uint64_t index) {
  // mmap, not malloc: every task really gets fresh pages from the kernel (glibc would hand a
  // thread back the memory the previous task freed, and a process would not).
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return fail("alloc: mmap failed: " + std::string(std::strerror(errno)));
  auto* p = static_cast<volatile unsigned char*>(memory);
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t sum = 0;
  for (std::uint64_t offset = 0; offset < bytes; offset += page) {
    p[offset] = static_cast<unsigned char>(index + offset / page);
    sum += p[offset];
  }
  ::munmap(memory, bytes);
  return sum;
}

}  // namespace

Result<std::uint64_t> run(const WorkItem& item) {
  switch (item.workload) {
    case Workload::noop:
      return item.index;
    case Workload::cpu:
      return cpu_steps(item.index, item.amount);
    case Workload::sleep:
      std::this_thread::sleep_for(std::chrono::nanoseconds(item.amount));
      return item.index;
    case Workload::alloc:
      return touch_pages(item.amount, item.index);
    case Workload::crash:
      if (item.crashes()) {
        // A real invalid access, as a buggy task would make (raise() would not be a fault).
        volatile int* volatile nowhere = nullptr;
        *nowhere = 1;
        std::raise(SIGSEGV);  // in case the store was somehow survivable
      }
      return cpu_steps(item.index, item.amount);
  }
  return fail("unknown workload");
}

Result<std::uint64_t> run_words(const std::vector<std::string>& words) {
  auto item = from_words(words);
  if (!item) return item.failure();
  return run(*item);
}

double calibrate_cpu_steps_per_ns() {
  // Double the step count until one run takes 20 ms, then take the fastest of five runs of it:
  // the least disturbed by the other processes on a noisy machine.
  std::uint64_t steps = 1 << 16;
  auto time_of = [](std::uint64_t n) {
    const auto start = std::chrono::steady_clock::now();
    volatile std::uint64_t sink = cpu_steps(n, n);
    (void)sink;
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
        .count();
  };
  while (time_of(steps) < 20e6) steps *= 2;
  double best = 1e300;
  for (int i = 0; i < 5; ++i) best = std::min(best, time_of(steps));
  return static_cast<double>(steps) / best;
}

std::uint64_t amount_for(Workload workload, const Size& size, double steps_per_ns) {
  switch (workload) {
    case Workload::cpu:
    case Workload::crash:
      return std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(std::llround(size.value * steps_per_ns)));
    case Workload::noop:
      return 0;
    default:
      return size.value;
  }
}

}  // namespace procpool::bench

namespace procpool::bench {

std::optional<std::uint64_t> expected_checksum(const WorkItem& item) {
  switch (item.workload) {
    case Workload::noop:
    case Workload::sleep:
      return item.index;
    case Workload::alloc: {
      const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      std::uint64_t sum = 0;
      for (std::uint64_t p = 0; p * page < item.amount; ++p)
        sum += static_cast<unsigned char>(item.index + p);
      return sum;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace procpool::bench
