#!/usr/bin/env bash
# Many processes, one account: three client JVMs send 40 chat calls each to a FakeKimiServer that
# enforces one account's requests per minute and concurrency, first with each process limiting
# itself (RateLimit alone: every process spends the whole budget, so the server answers 429s),
# then with the limits kept in Redis (RedisRateLimitStore: the processes split one budget). Only
# loopback; it builds what it needs (this checkout's kimi-sdk and kimi-sdk-redis, installed into
# the local Maven repository, and this example) and needs redis-server (apt-get install -y
# redis-server). Its last line is the summary.
set -euo pipefail
cd "$(dirname "$0")"

PROCESSES=3
REQUESTS=40
RPM=150          # above the 120 requests sent, so that neither run waits for the next minute
CONCURRENCY=4
LATENCY_MS=100   # how long the fake takes to answer each call

if ! command -v redis-server >/dev/null; then
  echo "run.sh: redis-server is missing; install it with: apt-get install -y redis-server" >&2
  exit 1
fi

echo "run.sh: building kimi-sdk, kimi-sdk-testing, kimi-sdk-redis and the example" >&2
mvn -B -q -f ../../pom.xml -P artifacts -pl kimi-sdk-testing,kimi-sdk-redis -am install -DskipTests \
  -Djacoco.skip=true \
  -Dmaven.javadoc.skip=true >&2
mvn -B -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >&2
cp="target/classes:$(cat target/classpath.txt)"
work=$(mktemp -d)

free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "run.sh: no free loopback port found" >&2
  exit 1
}

# Waits up to 30 s for a line matching $2 in file $1.
await_line() {
  local i
  for i in $(seq 1 300); do
    if grep -q "$2" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "run.sh: timed out waiting for '$2' in $1" >&2
  cat "$1" >&2 || true
  return 1
}

redis_pid=""
server_pid=""
cleanup() {
  # stop what this script started, by process id
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
await_line "$work/redis.log" "Ready to accept connections"

lost=0
# Runs one phase ($1: in-process or shared); sets rejected, peak.
phase() {
  local mode=$1 i
  mkfifo "$work/ctl-$mode"
  java -cp "$cp" com.example.ratelimit.DemoServer "$RPM" "$CONCURRENCY" "$LATENCY_MS" \
    <"$work/ctl-$mode" >"$work/server-$mode.out" 2>"$work/server-$mode.err" &
  server_pid=$!
  exec 3>"$work/ctl-$mode"
  await_line "$work/server-$mode.out" "^url "
  local url
  url=$(sed -n 's/^url //p' "$work/server-$mode.out")
  local pids=()
  for i in $(seq 1 "$PROCESSES"); do
    java -cp "$cp" com.example.ratelimit.DemoClient "$url" "$mode" "$redis_port" "$REQUESTS" \
      "$CONCURRENCY" "$RPM" >"$work/client-$mode-$i.out" 2>"$work/client-$mode-$i.err" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || true
  done
  exec 3>&-
  wait "$server_pid" || true
  server_pid=""
  for i in $(seq 1 "$PROCESSES"); do
    local line
    line=$(grep '^client ' "$work/client-$mode-$i.out" || true)
    if [ -z "$line" ]; then
      echo "run.sh: client $i ($mode) printed no result:" >&2
      cat "$work/client-$mode-$i.err" >&2
      lost=$((lost + REQUESTS))
    else
      echo "run.sh: $mode client $i: ${line#client }" >&2
      lost=$((lost + $(echo "$line" | awk '{print $7}')))
    fi
  done
  local stats
  stats=$(grep '^stats ' "$work/server-$mode.out")
  rejected=$(echo "$stats" | awk '{print $3}')
  peak=$(echo "$stats" | awk '{print $5}')
  echo "run.sh: $mode: server saw ${stats#stats }" >&2
}

phase in-process
x=$rejected
phase shared
s=$rejected
c=$peak

summary="shared rate limit: processes $PROCESSES, requests $((PROCESSES * REQUESTS)),"
summary="$summary 429s in-process-only $x, shared $s, peak concurrency $c (limit $CONCURRENCY),"
echo "$summary lost $lost"
[ "$x" -gt 0 ] && [ "$s" -eq 0 ] && [ "$c" -le "$CONCURRENCY" ] && [ "$lost" -eq 0 ]
