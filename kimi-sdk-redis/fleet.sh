#!/usr/bin/env bash
# The fleet harness (issue 55): three client JVMs sharing one account's limits through a real
# redis-server against a FakeKimiServer that enforces them, under faults (a client killed with
# kill -9, a shared 429, Redis restarted empty, a minute's budget that binds); prints each figure.
# Usage: kimi-sdk-redis/fleet.sh [full|short]. full (the default, about 5 minutes) measured
# README's figures; short is the form FleetTest runs in CI. Only loopback; needs redis-server
# (apt-get install -y redis-server). It builds and installs kimi-sdk and kimi-sdk-redis first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
form=${1:-full}
mvn -B -q -f "$root/pom.xml" -P artifacts -pl kimi-sdk-redis -am install -DskipTests \
  -Djacoco.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >&2
mvn -B -q -f "$root/kimi-sdk-redis/pom.xml" exec:exec -Dexec.skip=false -Dexec.executable=java \
  -Dexec.classpathScope=test -Dexec.args="-cp %classpath io.github.kimisdk.redis.Fleet $form"
