# Shared by the benchmark scripts (sourced): their options, a scratch directory, wall-clock timing
# and medians.
#   bench_options NAME "$@"  reads the options the scripts share into variables the script gave
#                  defaults (each only where the script set it: an option it did not ask for is an
#                  error): --rounds N (rounds), --tasks N (tasks), --jobs N (jobs), --binary PROGRAM
#                  (binary), --build DIR (build; sets pp to DIR/procpool) and --procpool PATH (pp)
#   bench_require NAME FILE...  fails, naming NAME and the file, unless each FILE is executable
#   bench_workdir  makes $work, a temporary directory removed when the script exits
#   elapsed CMD... seconds CMD took (its output discarded, its failure ignored)
#   median         the median of the numbers on stdin (spaces or newlines between them)
bench_options() {
  local name=$1 var
  shift
  build=${build:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
  pp=${pp:-$build/procpool}
  while [ $# -gt 0 ]; do
    case $1 in
      --rounds | --tasks | --jobs | --binary) var=${1#--} ;;
      --build) build=$2; pp=$build/procpool; shift 2; continue ;;
      --procpool) pp=$2; shift 2; continue ;;
      *) echo "$name: unknown option $1" >&2; exit 2 ;;
    esac
    if [ -z "${!var+set}" ] || [ $# -lt 2 ]; then
      echo "$name: unknown option $1" >&2
      exit 2
    fi
    printf -v "$var" '%s' "$2"
    shift 2
  done
}
bench_require() {
  local name=$1 file
  shift
  for file in "$@"; do
    [ -x "$file" ] || { echo "$name: missing $file (build first)" >&2; exit 2; }
  done
}
bench_workdir() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}
now() { date +%s.%N; }
elapsed() { local s; s=$(now); "$@" > /dev/null 2>&1 || true; echo "$(now) - $s" | bc -l; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { echo "$1 / $2" | bc -l; }
# A GoogleTest program's tests, one Suite.Name a line (from --gtest_list_tests).
list_tests() {
  "$1" --gtest_list_tests | awk '
    /^Running main/ { next }
    /^[^ ]/ { sub(/  #.*/, ""); suite = $0; next }
    /^  / { sub(/  #.*/, ""); sub(/^  /, ""); print suite $0 }'
}
# The GoogleTest program a script measures, in $bin: --binary, else the bundled fixture_many;
# checked with procpool, and the work directory made. SCRIPT names the caller in messages.
bench_gtest_program() {  # SCRIPT
  bin=${binary:-$build/tests/fixture_many}
  bench_require "$1" "$pp" "$bin"
  bench_workdir
}
