#!/usr/bin/env bash
# The route's door: which of Route's methods the code outside its package names.
#
# A call's Route (kimi-sdk's internal/route/Route.java) is owned by the call and asked by its
# retrier and its attempts (internal/chain); everything else of routing stays in internal/route.
# This script finds every variable, field or parameter declared of type Route in a Java source
# outside internal/route, then every method of Route's named on one of them (`route.next(`,
# `st.route.hedge(`, `route::record`), and prints each distinct method name, then their count.
#
#   scripts/route-door.sh            the names, one a line, then "door methods: N"
#   scripts/route-door.sh --count    the count alone (for a build check)
#
# ROUTE_DOOR_ROOT=DIR counts another checkout (DIR holds kimi-sdk/), such as an older commit's
# (git archive COMMIT kimi-sdk/src | tar -x -C DIR).
set -euo pipefail
cd "${ROUTE_DOOR_ROOT:-$(dirname "$0")/..}"
pkg=kimi-sdk/src/main/java/io/github/kimisdk/internal/route
route=$pkg/Route.java
if [ ! -f "$route" ]; then
  echo "route-door.sh: no $route" >&2
  exit 2
fi

# Route's own methods: a member declaration at the class's indentation, "name(" after its type
methods=$(grep -oE '^  [a-zA-Z][][a-zA-Z0-9_<>, .]* [a-z][a-zA-Z0-9_]*\(' "$route" |
  grep -vE '^  (return|new|throw) ' |
  sed -E 's/.* ([a-z][a-zA-Z0-9_]*)\($/\1/' | sort -u)

# The sources outside the package (every module's main and test Java files)
mapfile -t outside < <(find . -path '*/src/*' -name '*.java' -not -path '*/target/*' \
  -not -path '*/internal/route/*' | sort)

names=
if [ ${#outside[@]} -gt 0 ]; then
  # what is declared of type Route: "Route name" in a field, a local or a parameter
  names=$(grep -ohE '(^|[^A-Za-z0-9_.])Route\s+[a-z][a-zA-Z0-9_]*\b' "${outside[@]}" |
    sed -E 's/.*Route\s+//' | sort -u || true)
fi

door=
if [ -n "$names" ]; then
  alt=$(paste -sd'|' <<<"$names")
  called=$(grep -ohE "\b($alt)\s*(\.\s*[a-zA-Z0-9_]+\s*\(|::\s*[a-zA-Z0-9_]+)" "${outside[@]}" |
    sed -E 's/.*(\.|::)\s*([a-zA-Z0-9_]+).*/\2/' | sort -u || true)
  door=$(comm -12 <(printf '%s\n' "$methods") <(printf '%s\n' "$called") | sed '/^$/d')
fi

count=0
if [ -n "$door" ]; then
  count=$(wc -l <<<"$door")
fi
if [ "${1:-}" = --count ]; then
  echo "$count"
  exit 0
fi
if [ -n "$door" ]; then
  printf '%s\n' "$door"
fi
printf 'door methods: %d\n' "$count"
