#!/usr/bin/env bash
# CI smoke run: every benchmark once, briefly (one fork, no warmup, one 200 ms iteration), and
# cpu-per-call.sh, steady-cpu.sh, flink-predict.sh and ToolLoopCost in a tiny form, so the
# benchmarks never rot, then a short soak (Soak, 2,000 calls). Fails when any benchmark throws
# (JMH then prints "<failure>" and, with -foe true, exits non-zero), when a harness fails and when
# the soak finds a violation. Run after
# `mvn -B -o -q -P benchmarks -pl benchmarks -am package -DskipTests`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "smoke.sh: $jar missing; build the benchmarks module first" >&2; exit 2; }
log=$root/benchmarks/target/smoke.log
start=$(date +%s)
set +e
java -jar "$jar" -f 1 -wi 0 -i 1 -r 200ms -w 200ms -foe true "$@" 2>&1 | tee "$log" \
  | grep -E '^(Benchmark |[A-Z][A-Za-z]+Benchmark\.)'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] || grep -q -e '<failure>' -e 'ERROR' "$log"; then
  echo "smoke.sh: a benchmark failed (exit $status); see $log" >&2
  exit 1
fi
# The CPU-per-call harness in its tiniest form (one round, 1 and 2 calls, the floor and kimi-sdk's
# iterator: about 4 s on an idle machine), so it never rots; its numbers mean nothing at this size.
if ! "$root/benchmarks/cpu-per-call.sh" 1 1 2 --fresh 0 --clients floor,kimiIterator \
    > "$root/benchmarks/target/smoke-cpu-per-call.log" 2>&1; then
  echo "smoke.sh: cpu-per-call.sh failed; see benchmarks/target/smoke-cpu-per-call.log" >&2
  exit 1
fi
# The steady-state measure in its tiniest form (one round, 100 warm-up calls without waiting for the
# JIT, two slices of 20 calls; a few seconds), so it never rots; its numbers mean nothing at this size.
# The same build named as another one (its path spelled otherwise) runs in a class loader of its own.
if ! "$root/benchmarks/steady-cpu.sh" 1 --clients "floor,kimiIterator,kimiIterator@same=$root/benchmarks/target/./benchmarks.jar" \
    --warmup 100 --slices 2 --calls 20 --quiet-runs 0 > "$root/benchmarks/target/smoke-steady-cpu.log" 2>&1; then
  echo "smoke.sh: steady-cpu.sh failed; see benchmarks/target/smoke-steady-cpu.log" >&2
  exit 1
fi
# ML_PREDICT through the kimi provider in its tiniest form (parallelism 1, 100 rows, no openai
# provider: about a minute), so it never rots; needs kimi-sdk-flink's jar (README's install).
if ! "$root/benchmarks/flink-predict.sh" 100 --parallelism 1 --no-openai \
    > "$root/benchmarks/target/smoke-flink-predict.log" 2>&1; then
  echo "smoke.sh: flink-predict.sh failed; see benchmarks/target/smoke-flink-predict.log" >&2
  exit 1
fi
# The routing scenarios of issue 86 in their tiniest form (the cut streams, one round: about 15 s),
# so the harness never rots; its figures go to the log.
if ! java -cp "$jar" io.github.kimisdk.benchmarks.RoutingRun cut-streams --rounds 1 \
    > "$root/benchmarks/target/smoke-routing.log" 2>&1; then
  echo "smoke.sh: RoutingRun failed; see benchmarks/target/smoke-routing.log" >&2
  exit 1
fi
# What compaction costs (issue 92) in a small form (12 documents: a few seconds), so the harness
# never rots; its figures go to the log.
if ! java -cp "$jar" io.github.kimisdk.benchmarks.CompactionCost 12 \
    > "$root/benchmarks/target/smoke-compaction-cost.log" 2>&1; then
  echo "smoke.sh: CompactionCost failed; see benchmarks/target/smoke-compaction-cost.log" >&2
  exit 1
fi
# What a tool loop costs (issue 97) in its tiniest form (one round, two warm-up loops and two
# slices of one loop of each: a few seconds): the hand-written loop, the agent in memory with and
# without compaction and on a file store, and the agent of "another build" (this jar named
# otherwise, its loop compiled against it and loaded on its own), so the harness never rots.
# ToolRunner's loop needs a build that has it (ToolLoopCost's comment); its figures go to the log.
if ! java -cp "$jar" io.github.kimisdk.benchmarks.ToolLoopCost 1 \
    --clients "chat,agent,agentNoCompaction,agentFile,agent@same=$root/benchmarks/target/./benchmarks.jar" \
    --warmup 2 --run 1 --slices 2 --loops 1 --quiet-runs 0 --out "$root/benchmarks/target/smoke-tool-loop" \
    > "$root/benchmarks/target/smoke-tool-loop-cost.log" 2>&1; then
  echo "smoke.sh: ToolLoopCost failed; see benchmarks/target/smoke-tool-loop-cost.log" >&2
  exit 1
fi
# The soak of issue 47, short: 2,000 seeded calls under random faults (about 30 s), exit 1 on any
# violation; its summary goes to the log, its last line here.
soak_log=$root/benchmarks/target/smoke-soak.log
if ! java -cp "$jar" io.github.kimisdk.benchmarks.Soak 2000 47 64 > "$soak_log" 2>&1; then
  tail -n 40 "$soak_log" >&2
  echo "smoke.sh: the soak found violations; see benchmarks/target/smoke-soak.log" >&2
  exit 1
fi
tail -n 1 "$soak_log"
echo "smoke.sh: all benchmarks ran in $(( $(date +%s) - start )) s"
