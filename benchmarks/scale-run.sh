#!/usr/bin/env bash
# Scale (issue #33): many concurrent streaming calls through one KimiClient against a loopback
# server in its own JVM (DripServer, on JDK 25, a virtual thread per exchange) that drips chunks.
# Every call must complete with every chunk in order (exit 1 otherwise). Reports the SDK's
# platform threads at their peak, JFR jdk.VirtualThreadPinned events and where they pinned, and
# heap per in-flight stream. Three runs: JDK 25 with a virtual thread per call; JDK 17 with a
# bounded pool of platform threads iterating; JDK 17 with Flow subscribers (no consumer threads).
# Usage: benchmarks/scale-run.sh [streams, default 10000] [chunks per stream, default 20]
#          [ms between chunks, default 50] [pool size for JDK 17, default 200]
# Needs JDK 25 at $JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64), JDK 17 as `java` (or $JDK17),
# `ulimit -n` above twice the streams, and the build
# (`mvn -o -q -P benchmarks -pl benchmarks -am package -DskipTests`); builds nothing itself.
set -euo pipefail
streams=${1:-10000}
chunks=${2:-20}
gap=${3:-50}
pool=${4:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
java17=${JDK17:+$JDK17/bin/}java
[ -f "$jar" ] || { echo "scale-run.sh: $jar missing; build the benchmarks module first" >&2; exit 2; }
[ -x "$jdk25/bin/java" ] || { echo "scale-run.sh: no JDK 25 at $jdk25 (set JDK25)" >&2; exit 2; }
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -le $((streams + 1000)) ]; then
  echo "scale-run.sh: ulimit -n is $(ulimit -n); each JVM needs more than $((streams + 1000))" >&2
  exit 2
fi
main=io.github.kimisdk.benchmarks.StreamScaleRun
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$jdk25/bin/java" -Xmx3g -cp "$jar" $main virtual "$streams" "$chunks" "$gap" "$jdk25/bin/java" || status=1
"$java17" -Xmx3g -cp "$jar" $main "pool:$pool" "$streams" "$chunks" "$gap" "$jdk25/bin/java" || status=1
"$java17" -Xmx3g -cp "$jar" $main flow "$streams" "$chunks" "$gap" "$jdk25/bin/java" || status=1
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
