#!/usr/bin/env bash
# How much of the core serves the design card, and how much serves concerns the card does not name.
#
# DESIGN.md's card: "a minimal SDK: sealed records, a JSON codec, a Flow-based SSE parser, tool
# calling, token estimation and context validation, retry/backoff", plus the client and transport
# that carry them. This script counts the lines of kimi-sdk/src/main/java (every line of every
# .java file, as wc -l counts them), puts each file under the first rule below whose pattern its
# path (relative to io/github/kimisdk/) matches, and prints the lines of each concern, the total
# and the share outside the card. A file no rule matches is an error: a new file is placed here.
#
#   scripts/card-lines.sh            the table and the share
#   scripts/card-lines.sh --share    the share alone, in tenths of a percent (for a build check)
#
# CARD_LINES_ROOT=DIR counts the core of another checkout (DIR holds kimi-sdk/), such as an older
# commit's (git archive COMMIT kimi-sdk/src/main | tar -x -C DIR).
#
# Rules: "card <what>" or "outside <concern>", then bash glob patterns (first match wins). The
# first two name what left the core for kimi-sdk-batch and kimi-sdk-budget, and host-check's first four
# what left for kimi-sdk-hostcheck (its last two, the door it left behind): they place no file of
# today's core, and count an older checkout's (CARD_LINES_ROOT) as it was.
set -euo pipefail
cd "${CARD_LINES_ROOT:-$(dirname "$0")/..}"
src=kimi-sdk/src/main/java/io/github/kimisdk

rules=$(cat <<'RULES'
outside durable-batch-runner     BatchRun.java internal/batch/* platform/BatchProgress.java
outside fleet-budgets            Budget.java internal/chain/Budgeting.java internal/limit/BudgetTerms.java base/limit/LocalBudgets.java
outside hosts-and-routing        host/* Host.java Target.java ServedBy.java TargetReport.java TargetStatus.java internal/route/* internal/config/TargetSettings.java internal/chain/Continuing.java
outside host-check               cli/* internal/client/HostCheck.java internal/client/HostFindings.java internal/client/HostSymptoms.java host/access/* internal/client/ClientProbe.java
outside platform-endpoints       KimiAccount.java KimiBatches.java KimiCode.java KimiFiles.java KimiModels.java platform/* internal/platform/* internal/client/ChatAll.java model/ListedModel.java
outside money                    model/Price.java model/PriceTable.java model/Cost.java model/Spend.java internal/limit/SpendMeter.java internal/chain/Spending.java
outside rate-limits              RateLimit.java RateLimitStore.java base/limit/* internal/limit/* internal/chain/Gating.java internal/chain/Limiting.java internal/chain/LastLook.java
outside tenants                  internal/credential/Tenant.java
outside other-wire-protocols     internal/wire/messages/* internal/wire/responses/*
outside flight-recorder          internal/jfr/*
outside saved-form               chat/format/*
card    json-codec               json/* base/bind/* base/scan/*
card    sse-parser               sse/* base/sse/* base/body/*
card    sealed-records           chat/* errors/* errors/access/* package-info.java
card    tool-calling             tool/* base/schema/*
card    tokens-and-context       token/* model/*
card    retry-and-backoff        RetryPolicy.java internal/chain/Retrier.java internal/chain/RetryState.java internal/chain/Retrying.java
card    client-and-transport     *.java base/* internal/chain/* internal/client/* internal/config/* internal/credential/* internal/http/* internal/wire/* internal/wire/chat/*
RULES
)

declare -A lines
declare -A side
order=()
while read -r verdict concern patterns; do
  [ -z "$verdict" ] && continue
  key="$verdict $concern"
  lines[$key]=0
  order+=("$key")
done <<<"$rules"

unplaced=()
while IFS= read -r file; do
  rel=${file#"$src"/}
  placed=
  while read -r verdict concern patterns; do
    [ -z "$verdict" ] && continue
    for p in $patterns; do
      # a pattern without a slash matches a file of the root package only
      # shellcheck disable=SC2254
      case $rel in
        $p)
          if [[ $p != */* && $rel == */* ]]; then continue; fi
          placed="$verdict $concern"
          break 2
          ;;
      esac
    done
  done <<<"$rules"
  if [ -z "$placed" ]; then
    unplaced+=("$rel")
    continue
  fi
  n=$(wc -l <"$file")
  lines[$placed]=$((${lines[$placed]} + n))
done < <(find "$src" -name '*.java' | sort)

if [ ${#unplaced[@]} -gt 0 ]; then
  printf 'card-lines.sh: no rule places %s; add it to a rule\n' "${unplaced[@]}" >&2
  exit 2
fi

card=0
outside=0
for key in "${order[@]}"; do
  case $key in
    card*) card=$((card + ${lines[$key]})) ;;
    *) outside=$((outside + ${lines[$key]})) ;;
  esac
done
total=$((card + outside))
share=$(((outside * 1000 + total / 2) / total))
if [ "${1:-}" = --share ]; then
  echo "$share"
  exit 0
fi
printf '%-40s %8s\n' "concern" "lines"
for key in "${order[@]}"; do
  printf '%-40s %8d\n' "$key" "${lines[$key]}"
done
printf '%-40s %8d\n' "card" "$card"
printf '%-40s %8d\n' "outside the card" "$outside"
printf '%-40s %8d\n' "total" "$total"
printf 'outside the card: %d.%d%%\n' $((share / 10)) $((share % 10))
