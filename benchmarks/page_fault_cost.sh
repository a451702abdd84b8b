#!/usr/bin/env bash
# What a first touch of memory costs on this machine: microseconds per 4 KiB page, touched one
# page at a time, in ordinary pages and in transparent huge pages (madvise(MADV_HUGEPAGE) on a
# 2 MiB-aligned region). On the project's virtual machines an ordinary fault costs ~14 µs (on
# bare metal ~0.1–0.3 µs), which is why the runner keeps its heap on huge pages
# (runner/cli/posix/runner_process.cpp) and why every process a run starts pays its page faults
# again. Needs a C compiler (cc).
#   benchmarks/page_fault_cost.sh [--rounds N]
set -euo pipefail
# shellcheck source=timing.sh
source "$(dirname "$0")/timing.sh"
rounds=5
bench_options page_fault_cost.sh "$@"
bench_workdir
cat > "$work/touch.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
/* Touches `pages` fresh 4 KiB pages of a 2 MiB-aligned anonymous region; huge: advised first. */
static double per_page(size_t pages, int huge) {
  const size_t size = pages * 4096, align = 2u << 20;
  char* raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
  char* p = (char*)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
  if (huge) madvise(p, size, MADV_HUGEPAGE);
  const double began = now_us();
  for (size_t i = 0; i < pages; ++i) p[i * 4096] = 1;
  const double each = (now_us() - began) / pages;
  munmap(raw, size + align);
  return each;
}
int main(void) {
  printf("%.2f %.2f\n", per_page(1024, 0), per_page(1024, 1));
  return 0;
}
C
cc -O2 -o "$work/touch" "$work/touch.c"
small="" huge=""
for _ in $(seq "$rounds"); do
  read -r s h < <("$work/touch")
  small+="$s " huge+="$h "
done
echo "first touch of 4 KiB, µs per page (median of $rounds, 4 MiB each):"
echo "  ordinary pages: $(echo "$small" | median)"
echo "  transparent huge pages: $(echo "$huge" | median)" \
  "(THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown))"
echo "machine: $(nproc) cores, $(uname -r)"
