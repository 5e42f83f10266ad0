#!/usr/bin/env bash
# The route's door: which of Route's methods the code outside its package names.
#
# A call's Route (kimi-sdk's internal/route/Route.java) is owned by the call and asked by its
# retrier and its attempts (internal/chain); everything else of routing stays in internal/route.
# This script finds every variable, field or parameter declared of type Route in the production
# Java sources outside internal/route (src/main/java of every module), then every method of
# Route's named on one of them (`route.next(` in the file that declares `route`, `st.route.hedge(`
# for a field anywhere, `route::record`), and prints each distinct method name, then their count.
# Object's methods (toString, equals, hashCode) are no door of Route's.
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
# (Object's, which every value has, are no door of Route's)
methods=$(grep -oE '^  [a-zA-Z][][a-zA-Z0-9_<>, .]* [a-z][a-zA-Z0-9_]*\(' "$route" |
  grep -vE '^  (return|new|throw) ' |
  sed -E 's/.* ([a-z][a-zA-Z0-9_]*)\($/\1/' | grep -vxE 'toString|equals|hashCode' | sort -u || true)

# The production sources outside the package (every module's main Java files)
mapfile -t outside < <(find . -path '*/src/main/java/*' -name '*.java' -not -path '*/target/*' \
  -not -path '*/internal/route/*' | sort)

# what a file declares of type Route: "Route name" in a field, a local or a parameter
declared() {
  grep -ohE '(^|[^A-Za-z0-9_.])Route\s+[a-z][a-zA-Z0-9_]*\b' "$@" | sed -E 's/.*Route\s+//' |
    sort -u || true
}
# what is named on one of names ($1, "a|b") in files ($2...): "x.name(" or "x::name"; with
# $1 = "." only as a member of another value ("st.route.next(")
named() {
  local before=$1 alt=$2
  shift 2
  grep -ohE "$before($alt)\s*(\.\s*[a-zA-Z0-9_]+\s*\(|::\s*[a-zA-Z0-9_]+)" "$@" |
    sed -E 's/.*(\.|::)\s*([a-zA-Z0-9_]+).*/\2/' || true
}

called=
if [ ${#outside[@]} -gt 0 ]; then
  # a field declared of type Route anywhere is named as a member anywhere ("st.route.hedge(")
  fields=$(declared "${outside[@]}")
  if [ -n "$fields" ]; then
    called+=$(named '\.\s*' "$(paste -sd'|' <<<"$fields")" "${outside[@]}")$'\n'
  fi
  # a local, parameter or field is named on its own in the file that declares it
  mapfile -t declaring < <(grep -lE '(^|[^A-Za-z0-9_.])Route\s+[a-z]' "${outside[@]}" || true)
  for f in "${declaring[@]}"; do
    here=$(declared "$f")
    if [ -n "$here" ]; then
      called+=$(named '(^|[^A-Za-z0-9_.])' "$(paste -sd'|' <<<"$here")" "$f")$'\n'
    fi
  done
fi
door=$(comm -12 <(printf '%s\n' "$methods") <(printf '%s' "$called" | sed '/^$/d' | sort -u) |
  sed '/^$/d')

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
