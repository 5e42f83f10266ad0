#!/usr/bin/env bash
# CPU and allocation per streaming call past warm-up, inside each client's JVM (issue 69): the CPU
# time of the client's Java threads and the bytes they allocated over slices of calls, after a
# warm-up, with the collector and the JIT pinned (SteadyCallCpu.PINNED), one JVM per client per
# round, rounds interleaved, against a server in its own JVM; medians, the rounds' spread, ratios to
# the bare java.net.http floor and to openai-java.
# The clients share one JVM per round and take turns slice by slice (a client of another build,
# name@label=path, in a class loader of its own; name%option in a JVM of its own).
# The server sends each body in one write with its length, so that every call is read the same way
# (--chunked: in pieces of a few kilobytes, as before 2026-11-26, spread by a third on 2 cores).
# Usage: benchmarks/steady-cpu.sh [rounds, default 5] [--clients floor,kimiIterator,...] \
#          [--warmup N (default 5000)] [--slices N (default 20)] [--calls N (default 100)] \
#          [--jvm "args"] [--chunked] [--gc-between-slices] [--quiet-runs N (default 5)]
# Builds nothing: run `mvn -o -q -P benchmarks -pl benchmarks -am package -DskipTests` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "steady-cpu.sh: $jar missing; build the benchmarks module first (-P benchmarks)" >&2; exit 2; }
mkdir -p "$root/benchmarks/target/steady-cpu"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp "$jar" io.github.kimisdk.benchmarks.SteadyCallCpu --out "$root/benchmarks/target/steady-cpu" "$@"
