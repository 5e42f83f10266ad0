#!/usr/bin/env bash
# Two builds' soaks, interleaved (A B A B ...), on the same server, seed and program: each round runs
# the Soak of build A's benchmarks jar, then build B's, each in a fresh JVM, with the same arguments,
# and the report ends with each run's calls: line and, per round, B's calls per second over A's and
# B's failed calls beside A's. Issue 84's storm is
#
#   benchmarks/soak-ab.sh base.jar this.jar 3 6000 47 64 --concurrency-refusals 6
#
# where base.jar is the benchmarks jar of the build to compare with (built in a worktree of its own
# with this harness applied: see benchmarks/README.md). A run that finds a violation is reported as
# such (its exit status), and the comparison goes on.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: soak-ab.sh A.jar B.jar rounds [Soak arguments...]" >&2
  exit 2
fi
a=$1 b=$2 rounds=$3
shift 3
for jar in "$a" "$b"; do
  [ -f "$jar" ] || { echo "soak-ab.sh: $jar missing" >&2; exit 2; }
done
out=$(mktemp -d)
echo "soak-ab: A=$a B=$b, $rounds rounds, Soak $*"
echo "soak-ab: $(java -version 2>&1 | head -1); $(nproc) cores"
for ((r = 1; r <= rounds; r++)); do
  for side in A B; do
    jar=$a
    [ "$side" = B ] && jar=$b
    log=$out/$side-$r.txt
    echo "soak-ab: round $r $side, load $(cut -d' ' -f1-3 /proc/loadavg)"
    set +e
    java -cp "$jar" io.github.kimisdk.benchmarks.Soak "$@" > "$log" 2>&1
    status=$?
    set -e
    grep -E '^(calls:|soak: [0-9]+ calls,)' "$log" | sed "s/^/  $side$r /"
    echo "  $side$r exit $status"
  done
done
echo
echo "round  A calls/s  B calls/s  B/A    A failed  B failed"
for ((r = 1; r <= rounds; r++)); do
  awk -v r="$r" '
    FNR == 1 { side++ }
    /^calls:/ {
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) == "calls/s;") rate[side] = $i
        if ($(i + 1) == "failed;") failed[side] = $i
      }
    }
    END {
      printf "%5d  %9.1f  %9.1f  %5.3f  %8d  %8d\n", r, rate[1], rate[2], rate[2] / rate[1],
        failed[1], failed[2]
    }' "$out/A-$r.txt" "$out/B-$r.txt"
done
rm -rf "$out"
