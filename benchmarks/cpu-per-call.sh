#!/usr/bin/env bash
# Client CPU per streaming call (issue #33): the client JVM's user + system CPU for N2 calls minus
# that for N1 calls, per call, against a server in another JVM sending the recorded 300-chunk Kimi
# stream; kimi-sdk's iterator, Flow subscriber and forEachText, the bare java.net.http floor and
# openai-java, in interleaved rounds, medians, ratios to the floor and to openai-java, allocation
# per chunk, and a fresh JVM's CPU and wall time for a few calls.
# Usage: benchmarks/cpu-per-call.sh [rounds, default 3] [n1, default 300] [n2, default 1500] \
#          [--fresh N (default 200, 0 for none)] [--clients floor,kimiIterator,...] [--jvm "args"]
# Builds nothing: run `mvn -o -q -P benchmarks -pl benchmarks -am package -DskipTests` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "cpu-per-call.sh: $jar missing; build the benchmarks module first" >&2; exit 2; }
mkdir -p "$root/benchmarks/target/cpu-per-call"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp "$jar" io.github.kimisdk.benchmarks.CpuPerCall --out "$root/benchmarks/target/cpu-per-call" "$@"
