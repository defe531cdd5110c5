#!/usr/bin/env bash
# mgate's libFuzzer targets (fuzz/README.md), built with clang, ASan and UBSan in build-fuzz/.
#   scripts/fuzz.sh build                  build the targets
#   scripts/fuzz.sh check                  run every committed corpus input once (no fuzzing)
#   scripts/fuzz.sh run TARGET [MINUTES]   fuzz TARGET (lint_tree or lint_sql), default 10 minutes
#   scripts/fuzz.sh minimize TARGET        shrink fuzz/corpus/TARGET to the inputs that add coverage
#   scripts/fuzz.sh seed TARGET            the seed inputs from fixtures/ and tests/rules/
# `run` starts from fuzz/corpus/TARGET, keeps what it finds in build-fuzz/corpus/TARGET and
# writes crashing inputs to build-fuzz/crashes/TARGET/; it fails when one is found.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(lint_tree lint_sql)
out=build-fuzz

build() {
  scripts/setup.sh --hardening
  cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
    -DCMAKE_CXX_COMPILER=clang++-14 -DMGATE_TESTS=OFF -DMGATE_FUZZ=ON \
    -DMGATE_SANITIZE=address,undefined >/dev/null
  cmake --build "$out" -j "$(nproc)" --target "${targets[@]/#/mgate_fuzz_}"
}

known_target() {
  [[ " ${targets[*]} " == *" ${1:-} "* ]] || {
    echo "scripts/fuzz.sh: unknown target '${1:-}' (known: ${targets[*]})" >&2
    exit 2
  }
}

export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LLVM_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14

# A tree input (fuzz/README.md) from a directory: its layout, then each file.
tree_input() {
  local dir=$1 layout=$2
  printf '%s\n' "$layout"
  (cd "$dir" && find . -type f | LC_ALL=C sort | sed 's|^\./||') | while IFS= read -r file; do
    printf '@@ %s\n' "$file"
    cat "$dir/$file"
  done
}

seed() {
  local target=$1 into=$2
  mkdir -p "$into"
  case "$target" in
    lint_sql)
      for f in tests/rules/*.sql $(git ls-files 'fixtures/*.sql'); do
        cp "$f" "$into/$(echo "$f" | tr / _)"
      done
      ;;
    lint_tree)
      for dir in fixtures/layouts/*/; do
        tree_input "$dir" "$(basename "$dir")" >"$into/layout_$(basename "$dir")"
      done
      for dir in fixtures/demo fixtures/dynamic/*/ fixtures/plans/*/; do
        tree_input "$dir" auto >"$into/$(echo "${dir%/}" | tr / _)"
      done
      ;;
  esac
}

case "${1:-}" in
  build) build ;;
  check)
    build
    for t in "${targets[@]}"; do "$out/fuzz/mgate_fuzz_$t" -runs=0 "fuzz/corpus/$t"; done
    ;;
  run)
    known_target "${2:-}"
    t=$2
    minutes=${3:-10}
    build
    mkdir -p "$out/corpus/$t" "$out/crashes/$t"
    "$out/fuzz/mgate_fuzz_$t" -max_total_time=$((minutes * 60)) -timeout=25 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" "$out/corpus/$t" "fuzz/corpus/$t"
    ;;
  minimize)
    known_target "${2:-}"
    t=$2
    build
    rm -rf "$out/minimized/$t"
    mkdir -p "$out/minimized/$t" "$out/corpus/$t"
    "$out/fuzz/mgate_fuzz_$t" -merge=1 "$out/minimized/$t" "fuzz/corpus/$t" "$out/corpus/$t"
    rm -rf "fuzz/corpus/$t"
    cp -r "$out/minimized/$t" "fuzz/corpus/$t"
    ;;
  seed)
    known_target "${2:-}"
    seed "$2" "fuzz/corpus/$2"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
