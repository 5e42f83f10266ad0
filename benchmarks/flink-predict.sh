#!/usr/bin/env bash
# Rows per second through Flink SQL's ML_PREDICT against FakeKimiServer on loopback, at parallelism
# 1, 2 and 4, with the kimi provider (and this JVM's CPU per row beside the SDK's CPU per call),
# then the same job through Flink's own openai provider, whose jar (flink-model-openai 2.3.0, which
# bundles openai-java, OkHttp and Kotlin) is copied alone from Maven Central into
# benchmarks/target/flink-model-openai (its parent POM is not served, so it cannot be a dependency).
# Usage: benchmarks/flink-predict.sh [rows, default 2000] [--parallelism 1,2,4] [--latency ms]
#          [--max-concurrency N] [--no-openai]
# With --max-concurrency N the fake takes N requests at a time (Kimi's 429 "max concurrency" to the
# rest), and each provider's job is timed and its 429s counted instead of its rows per second.
# Builds nothing: run `mvn -B -P artifacts install -DskipTests` (kimi-sdk-flink's jar) and
# `mvn -B -q -P benchmarks -pl benchmarks -am package -DskipTests` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "flink-predict.sh: $jar missing; build the benchmarks module first" >&2; exit 2; }
version=$(sed -n 's/^-Drevision=//p' "$root/.mvn/maven.config")
# kimi-sdk-flink's jar as installed, copied out of the local repository: not the one under
# kimi-sdk-flink/target, which another build of this checkout may be writing while this runs.
provider_dir=$root/benchmarks/target/kimi-sdk-flink
rm -rf "$provider_dir"
(cd "$root" && mvn -B -q -N dependency:copy -Dartifact="io.github.kimisdk:kimi-sdk-flink:$version" \
  -DoutputDirectory="$provider_dir" >/dev/null) ||
  { echo "flink-predict.sh: kimi-sdk-flink $version is not in the local repository; run mvn -B -P artifacts install -DskipTests" >&2; exit 2; }
provider=$provider_dir/kimi-sdk-flink-$version.jar
openai=yes
args=()
for a in "$@"; do
  if [ "$a" = --no-openai ]; then openai=no; else args+=("$a"); fi
done
cp_file=$root/benchmarks/target/flink.classpath
(cd "$root" && mvn -B -q -P benchmarks -pl benchmarks dependency:build-classpath \
  -Dmdep.includeScope=provided -Dmdep.outputFile="$cp_file" >/dev/null)
flink=$(cat "$cp_file")
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx1g -cp "$jar:$provider:$flink" io.github.kimisdk.benchmarks.FlinkPredictRun "${args[@]}"
if [ "$openai" = yes ]; then
  model_dir=$root/benchmarks/target/flink-model-openai
  if [ ! -f "$model_dir/flink-model-openai-2.3.0.jar" ]; then
    (cd "$root" && mvn -B -q dependency:copy -Dartifact=org.apache.flink:flink-model-openai:2.3.0 \
      -DoutputDirectory="$model_dir" >/dev/null)
  fi
  # its bundled openai-java first, before the one benchmarks.jar shades
  java -Xmx1g -cp "$model_dir/flink-model-openai-2.3.0.jar:$jar:$flink" \
    io.github.kimisdk.benchmarks.FlinkPredictRun --provider openai "${args[@]}"
fi
