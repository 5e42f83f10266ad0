#!/usr/bin/env bash
# Cold start: whole-process wall time, CPU time and peak RSS of a JVM that makes one streaming call
# of the recorded 300-chunk Kimi stream against a loopback server (a separate process) and exits,
# for each client: kimi-sdk, openai-java, and the bare java.net.http floor doing the same exchange;
# and, by the mains' own clocks (their `clock` line), the time from `main` to the first chunk and
# to the last (the whole reply parsed: issue 62's metric), from the JVM's launch to `main`, and from
# the last chunk to the process's exit.
# The clients run in turn, round after round; each round's ratio to the floor is taken pair by pair
# (the machine's speed drifts less within a round than across the whole run), and the medians are
# reported.
# Usage: benchmarks/cold-start.sh [runs per client, default 10] [--jfr] [--base JAR]...
#          [--clients kimi-sdk,openai-java,bare,kimi-sdk@NAME,kimi-sdk+cds,bare+aot,...]
#   --jfr       every JVM runs a Flight Recorder recording from its start (default settings, dumped
#               at exit); each kimi-sdk run must have recorded its call's io.github.kimisdk.Call
#               event, or the script fails
#   --base JAR  adds the client kimi-sdk@NAME (NAME: the jar's file name without .jar): the same
#               main on another kimi-sdk jar, such as a build from before a change, run in the same
#               rounds; may be given more than once
#   CLIENT+cds  (in --clients) the client started with an AppCDS archive of its own run
#               (-XX:SharedArchiveFile), made by one training run before the rounds
#               (-XX:ArchiveClassesAtExit; JDK 13 and later)
#   CLIENT+aot  the same with an AOT cache (-XX:AOTCache, trained with -XX:AOTCacheOutput; JDK 25
#               and later); in both the mains come from a jar (an archive takes no classes from a
#               directory), as they do for every client of such a run
# Needs: java and jfr (the JDK's), GNU time at /usr/bin/time (apt-get install time), awk, and the
# build (`mvn -B -o -q -P benchmarks -pl benchmarks -am package -DskipTests`); runs footprint.sh for openai-java's
# jars.
set -euo pipefail
runs=10
jfr=0
bases=()
clients=
while [ $# -gt 0 ]; do
  case $1 in
    --jfr) jfr=1 ;;
    --base) bases+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
    --clients) clients=$2; shift ;;
    [0-9]*) runs=$1 ;;
    *) echo "cold-start.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
base_of() { basename "$1" .jar; }
if [ -z "$clients" ]; then
  clients=kimi-sdk
  for j in ${bases[@]+"${bases[@]}"}; do clients=$clients,kimi-sdk@$(base_of "$j"); done
  clients=$clients,openai-java,bare
fi
root=$(cd "$(dirname "$0")/.." && pwd)
b=$root/benchmarks
[ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null || {
  echo "cold-start.sh: needs GNU time with -v at /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v java >/dev/null || { echo "cold-start.sh: needs java on PATH" >&2; exit 2; }
[ "$jfr" = 0 ] || command -v jfr >/dev/null || { echo "cold-start.sh: --jfr needs jfr on PATH" >&2; exit 2; }
[ -f "$b/target/benchmarks.jar" ] || { echo "cold-start.sh: build the benchmarks module first" >&2; exit 2; }
for j in ${bases[@]+"${bases[@]}"}; do
  [ -f "$j" ] || { echo "cold-start.sh: no jar at $j" >&2; exit 2; }
done
case ,$clients, in *,openai-java,*) [ -d "$b/target/footprint/openai" ] || "$b/footprint.sh" >/dev/null ;; esac
sdk_jar=$(ls "$root"/kimi-sdk/target/kimi-sdk-*.jar | grep -v -e sources -e javadoc -e tests | head -1)
classes=$b/target/classes
out=$b/target/cold-start; rm -rf "$out"; mkdir -p "$out"

# The mains in a jar of their own: an archive (+cds, +aot) holds classes from jars only.
mains=$out/mains.jar
(cd "$classes" && jar cf "$mains" io/github/kimisdk/benchmarks/ColdStart*.class)
case ,$clients, in *+cds,*|*+aot,*) classes=$mains ;; esac

classpath() { # client
  case ${1%+*} in
    kimi-sdk) echo "$classes:$sdk_jar" ;;
    kimi-sdk@*)
      local j
      for j in ${bases[@]+"${bases[@]}"}; do
        [ "kimi-sdk@$(base_of "$j")" = "${1%+*}" ] && { echo "$classes:$j"; return; }
      done
      echo "cold-start.sh: no --base jar for $1" >&2; exit 2 ;;
    openai-java) echo "$classes:$(find "$b/target/footprint/openai" -name '*.jar' | sort | paste -sd:)" ;;
    bare) echo "$classes" ;;
    *) echo "cold-start.sh: unknown client $1" >&2; exit 2 ;;
  esac
}
main() { # client
  case ${1%+*} in
    kimi-sdk*) echo ColdStartKimi ;;
    openai-java) echo ColdStartOpenAi ;;
    bare) echo ColdStartBare ;;
  esac
}

# The server: a separate JVM, so its start-up is in no client's numbers.
java -cp "$b/target/benchmarks.jar" io.github.kimisdk.benchmarks.ColdStartServer > "$out/server.txt" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do [ -s "$out/server.txt" ] && break; sleep 0.1; done
read -r url chunks < "$out/server.txt"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "server $url, $chunks chunks per call; $runs runs per client; clients $clients;" \
  "Flight Recorder recording: $([ "$jfr" = 1 ] && echo 'on (default settings)' || echo off);" \
  "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

archive() { # client: the JVM option that uses its archive, if it has one
  case $1 in
    *+cds) echo "-XX:SharedArchiveFile=$out/$1.jsa" ;;
    *+aot) echo "-XX:AOTCache=$out/$1.aot" ;;
  esac
}
train() { # client: one run that makes its archive
  local flag
  case $1 in
    *+cds) flag="-XX:ArchiveClassesAtExit=$out/$1.jsa" ;;
    *+aot) flag="-XX:AOTCacheOutput=$out/$1.aot" ;;
    *) return 0 ;;
  esac
  java "$flag" -cp "$(classpath "$1")" "io.github.kimisdk.benchmarks.$(main "$1")" "$url" "$chunks" \
    > "$out/$1.train.out" 2>&1 || {
    echo "cold-start.sh: the training run of $1 failed:" >&2; cat "$out/$1.train.out" >&2; exit 1; }
}

run() { # client round
  local log=$out/$1.$2.time rec=$out/$1.$2.jfr
  local flags=()
  [ "$jfr" = 0 ] || flags=("-XX:StartFlightRecording:filename=$rec,settings=default")
  local a
  a=$(archive "$1")
  [ -z "$a" ] || flags+=("$a")
  local launched
  launched=$(date +%s%3N)
  /usr/bin/time -v -o "$log" java ${flags[@]+"${flags[@]}"} -cp "$(classpath "$1")" \
    "io.github.kimisdk.benchmarks.$(main "$1")" "$url" "$chunks" > "$out/$1.$2.out" 2>&1 || {
    echo "cold-start.sh: $1 failed in round $2:" >&2; cat "$out/$1.$2.out" >&2; exit 1; }
  if [ "$jfr" = 1 ] && [ "${1%%[@+]*}" = kimi-sdk ]; then
    local events
    events=$(jfr summary "$rec" | awk '$1 == "io.github.kimisdk.Call" {print $2}')
    [ "${events:-0}" = 1 ] || {
      echo "cold-start.sh: $1 recorded ${events:-no} io.github.kimisdk.Call events in round $2" >&2
      exit 1; }
  fi
  rm -f "$rec"
  local wall rss cpu
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{print ($1*60)+$2}')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  cpu=$(sed -n -e 's/.*User time (seconds): //p' -e 's/.*System time (seconds): //p' "$log" | awk '{s+=$1} END {print s}')
  # clock START-EPOCH-MS MAIN-TO-FIRST-MS MAIN-TO-LAST-MS, from the main
  local clock
  clock=$(awk -v l="$launched" -v w="$wall" '$1 == "clock" {
      printf "%d %s %s %.1f", $2 - l, $3, $4, w * 1000 - ($2 - l) - $4 }' "$out/$1.$2.out")
  [ -n "$clock" ] || { echo "cold-start.sh: $1 printed no clock line in round $2" >&2; exit 1; }
  echo "$1 $2 $wall $rss $cpu $clock" >> "$out/samples.txt"
}
IFS=, read -r -a list <<< "$clients"
for c in "${list[@]}"; do # the archives, before any timed run
  train "$c"
done
for c in "${list[@]}"; do # one untimed run of each: the page cache, and a check that each runs
  run "$c" 0
done
: > "$out/samples.txt"
for i in $(seq 1 "$runs"); do
  for c in "${list[@]}"; do
    run "$c" "$i"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
column() { awk -v c="$1" -v k="$2" '$1==c {print $k}' "$out/samples.txt"; }
ratios() { # client field [base]: the round-by-round ratio to the base's (the floor's) figure
  awk -v c="$1" -v k="$2" -v b="${3:-bare}" '$1==c {a[$2]=$k} $1==b {f[$2]=$k} END {for (r in a) if (f[r] > 0) print a[r]/f[r]}' \
    "$out/samples.txt"
}
{
  echo "| client | runs | median wall s | min wall s | max wall s | median CPU s (user+sys) | min-max CPU s | median peak RSS MB | wall vs floor (min-max) | CPU vs floor (min-max) | wall, CPU vs without its archive |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in "${list[@]}"; do
    vs_wall=-; vs_cpu=-; vs_plain=-
    if [ "$c" != bare ] && [[ ,$clients, == *,bare,* ]]; then
      vs_wall=$(printf '%.2fx (%.2f-%.2f)' "$(ratios "$c" 3 | median)" "$(ratios "$c" 3 | sort -g | head -1)" "$(ratios "$c" 3 | sort -g | tail -1)")
      vs_cpu=$(printf '%.2fx (%.2f-%.2f)' "$(ratios "$c" 5 | median)" "$(ratios "$c" 5 | sort -g | head -1)" "$(ratios "$c" 5 | sort -g | tail -1)")
    fi
    if [ "${c%+*}" != "$c" ] && [[ ,$clients, == *,${c%+*},* ]]; then
      vs_plain=$(printf '%.2fx, %.2fx' "$(ratios "$c" 3 "${c%+*}" | median)" "$(ratios "$c" 5 "${c%+*}" | median)")
    fi
    printf '| %s | %d | %.3f | %.3f | %.3f | %.2f | %.2f-%.2f | %.1f | %s | %s | %s |\n' "$c" "$(column "$c" 3 | wc -l)" \
      "$(column "$c" 3 | median)" "$(column "$c" 3 | sort -g | head -1)" "$(column "$c" 3 | sort -g | tail -1)" \
      "$(column "$c" 5 | median)" "$(column "$c" 5 | sort -g | head -1)" "$(column "$c" 5 | sort -g | tail -1)" \
      "$(column "$c" 4 | median | awk '{print $1/1024}')" "$vs_wall" "$vs_cpu" "$vs_plain"
  done
  echo
  echo "By the mains' own clocks (ms, medians): from the JVM's launch to \`main\`, from \`main\` to the"
  echo "first chunk parsed and to the last (the whole reply parsed), from the last chunk to the exit."
  echo
  echo "| client | launch to main | main to first chunk | main to last chunk | last chunk to exit | main to first vs floor | main to last vs floor |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for c in "${list[@]}"; do
    vs_first=-; vs_last=-
    if [ "$c" != bare ] && [[ ,$clients, == *,bare,* ]]; then
      vs_first=$(printf '%.2fx' "$(ratios "$c" 7 | median)")
      vs_last=$(printf '%.2fx' "$(ratios "$c" 8 | median)")
    fi
    printf '| %s | %.0f | %.0f | %.0f | %.0f | %s | %s |\n' "$c" "$(column "$c" 6 | median)" \
      "$(column "$c" 7 | median)" "$(column "$c" 8 | median)" "$(column "$c" 9 | median)" \
      "$vs_first" "$vs_last"
  done
  echo
  echo "vs floor: the median (and the range) of each round's ratio to the floor's run of the same"
  echo "round; vs without its archive: the same against the client without +cds or +aot."
  echo "samples (client round wall-s peak-RSS-KB cpu-s launch-to-main-ms main-to-first-ms"
  echo "main-to-last-ms last-to-exit-ms): $out/samples.txt"
} | tee "$out/cold-start.md"
