# Shared by the benchmark scripts (sourced): wall-clock timing and medians.
#   elapsed CMD...   seconds CMD took (its output discarded, its failure ignored)
#   median           the median of the numbers on stdin (spaces or newlines between them)
now() { date +%s.%N; }
elapsed() { local s; s=$(now); "$@" > /dev/null 2>&1 || true; echo "$(now) - $s" | bc -l; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
