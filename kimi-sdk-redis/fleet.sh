#!/usr/bin/env bash
# The fleet harness (issues 55 and 62): three client JVMs sharing one account's limits through a
# real redis-server (or a Redis Cluster of 3 masters and 3 replicas) against a FakeKimiServer that
# enforces them, under faults (a client killed with kill -9, a shared 429, Redis restarted empty,
# the cluster's master of the account killed with kill -9, a minute's budget that binds); prints
# each figure. Usage: kimi-sdk-redis/fleet.sh [full|short] [jedis|lettuce|mixed] [scenario]. full (the
# default) measured README's figures, each scenario on Jedis and then on Lettuce (about 14 minutes
# for both); short is the form FleetTest runs in CI (which runs mixed fleets: Jedis and Lettuce
# processes sharing one account). Only loopback; needs redis-server (apt-get install -y
# redis-server). It builds and installs kimi-sdk and kimi-sdk-redis first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
form=${1:-full}
clients=${2:-}
only=${3:-}
mvn -B -q -f "$root/pom.xml" -P artifacts -pl kimi-sdk-redis -am install -DskipTests \
  -Djacoco.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >&2
mvn -B -q -f "$root/kimi-sdk-redis/pom.xml" exec:exec -Dexec.skip=false -Dexec.executable=java \
  -Dexec.classpathScope=test \
  -Dexec.args="-cp %classpath io.github.kimisdk.redis.Fleet $form $clients $only"
