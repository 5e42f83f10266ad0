#!/usr/bin/env bash
# Footprint: kimi-sdk's jar and runtime dependencies beside openai-java's full runtime closure.
# Run from anywhere after `mvn -B -o -q -P benchmarks -pl benchmarks -am package -DskipTests`.
# Writes benchmarks/target/footprint/{ours,openai}/ and prints a table (also footprint.txt).
# Needs: mvn (offline works once openai-java is in ~/.m2; add ONLINE=1 to allow downloads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/benchmarks/target/footprint
command -v mvn >/dev/null || { echo "footprint.sh: needs mvn on PATH" >&2; exit 2; }
offline=-o; [ "${ONLINE:-0}" = 1 ] && offline=
version=$(sed -n 's:.*<openai-java.version>\(.*\)</openai-java.version>.*:\1:p' "$root/pom.xml")
sdk_version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/kimi-sdk/pom.xml")
[ -n "$version" ] || { echo "footprint.sh: no openai-java.version in pom.xml" >&2; exit 2; }
sdk_jar=$(ls "$root"/kimi-sdk/target/kimi-sdk-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e tests | head -1 || true)
[ -n "$sdk_jar" ] || { echo "footprint.sh: build first (no kimi-sdk/target/kimi-sdk-*.jar)" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out/ours" "$out/openai"

# Ours: the jar plus whatever runtime dependencies Maven resolves (there should be none).
(cd "$root" && mvn -B $offline -q -pl kimi-sdk dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$out/ours")
cp "$sdk_jar" "$out/ours/"

# openai-java: a throwaway project with the one dependency, so nothing of ours is mixed in.
cat > "$out/openai-pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>footprint</groupId><artifactId>openai-closure</artifactId><version>1</version>
  <dependencies><dependency>
    <groupId>com.openai</groupId><artifactId>openai-java</artifactId><version>$version</version>
  </dependency></dependencies>
</project>
POM
mvn -B $offline -q -f "$out/openai-pom.xml" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$out/openai"

count() { find "$1" -name '*.jar' | wc -l; }
bytes() { find "$1" -name '*.jar' -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
oj=$(count "$out/openai"); ob=$(bytes "$out/openai")
kj=$(count "$out/ours"); kb=$(bytes "$out/ours")
{
  echo "| client | jars | bytes | MB |"
  echo "|---|---:|---:|---:|"
  printf '| kimi-sdk %s | %d | %d | %.2f |\n' "$sdk_version" "$kj" "$kb" "$(echo "$kb/1048576" | bc -l)"
  printf '| openai-java %s (runtime closure) | %d | %d | %.2f |\n' "$version" "$oj" "$ob" "$(echo "$ob/1048576" | bc -l)"
  printf '\nkimi-sdk / openai-java: %.3f%% of the bytes, %d runtime dependencies vs %d\n' \
    "$(echo "100*$kb/$ob" | bc -l)" "$((kj - 1))" "$((oj - 1))"
  echo
  echo "openai-java closure, largest first:"
  find "$out/openai" -name '*.jar' -printf '%s %f\n' | sort -rn | awk '{printf "  %10d %s\n", $1, $2}'
} | tee "$out/footprint.txt"
