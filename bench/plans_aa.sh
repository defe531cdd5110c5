#!/usr/bin/env bash
# The plans gate's two acceptance numbers (issue 6), from `mgate check --gates plans` run as a
# user runs it, N times per scenario (default 20):
#   A/A          a migration that touches no queried table (fixtures/plans/unrelated): runs that
#                report a timing regression; must be 0 of N.
#   sensitivity  a migration that drops the index the critical query uses
#                (fixtures/plans/index_drop): runs that report it both by plan diff
#                (plans-index-lost) and by timing (plans-timing-regression); must be N of N.
# Each scenario is a scratch git repository: the schema migration committed, the migration under
# test in a second commit, checked with --since HEAD~1 on 20,000 generated rows per table.
#
#   bash bench/plans_aa.sh [N]          MGATE=path/to/mgate to use another binary
set -euo pipefail

runs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
mgate=${MGATE:-$root/build/mgate}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scenario() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir/db"
  cp "$root"/fixtures/plans/"$name"/001_* "$dir/db/"
  cp "$root/fixtures/plans/queries.sql" "$dir/"
  cat >"$dir/mgate.toml" <<'TOML'
[migrations]
dir = "db"

[plans]
queries = "queries.sql"
rows = 20000
runs = 15
warmup = 3
TOML
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm schema
  cp "$root"/fixtures/plans/"$name"/002_* "$dir/db/"
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm "migration under test"
}

# Prints the rule ids the plans gate reported, one a line, for one run.
rules_of_one_run() {
  local dir=$1 code=0
  (cd "$dir" && "$mgate" check --gates plans --since HEAD~1 --format json >"$dir/report.json") ||
    code=$?
  if [[ $code -gt 1 ]]; then
    echo "mgate exited $code in $dir" >&2
    exit "$code"
  fi
  jq -r '.findings[].rule' "$dir/report.json"
}

scenario unrelated
scenario index_drop

aa_regressions=0
aa_plan_changes=0
sensitive=0
plan_only=0
timing_only=0
start=$(date +%s)
for ((i = 1; i <= runs; i++)); do
  found=$(rules_of_one_run "$work/unrelated")
  if grep -qx plans-timing-regression <<<"$found"; then
    aa_regressions=$((aa_regressions + 1))
    jq -r '.findings[] | select(.rule == "plans-timing-regression") | .message' \
      "$work/unrelated/report.json" | sed "s/^/A\/A run $i: /"
  fi
  grep -qxE 'plans-index-lost|plans-seq-scan|plans-cost-rise' <<<"$found" &&
    aa_plan_changes=$((aa_plan_changes + 1))

  found=$(rules_of_one_run "$work/index_drop")
  plan=0 timing=0
  grep -qx plans-index-lost <<<"$found" && plan=1
  grep -qx plans-timing-regression <<<"$found" && timing=1
  if [[ $plan == 1 && $timing == 1 ]]; then sensitive=$((sensitive + 1)); fi
  if [[ $plan == 1 && $timing == 0 ]]; then plan_only=$((plan_only + 1)); fi
  if [[ $plan == 0 && $timing == 1 ]]; then timing_only=$((timing_only + 1)); fi
done
elapsed=$(($(date +%s) - start))

jq -r '.findings[] | select(.rule == "plans-timing-regression") | .message' \
  "$work/index_drop/report.json" | sed 's/^/last sensitivity run: /'
echo "A/A (unrelated migration): timing regression reported in $aa_regressions/$runs runs" \
  "(must be 0/$runs); plan change reported in $aa_plan_changes/$runs"
echo "sensitivity (index dropped): plan diff and timing both in $sensitive/$runs runs" \
  "(must be $runs/$runs); plan diff only $plan_only, timing only $timing_only"
echo "$((2 * runs)) runs of mgate check --gates plans in ${elapsed}s"
[[ $aa_regressions == 0 && $sensitive == "$runs" ]]
