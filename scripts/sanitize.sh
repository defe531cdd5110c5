#!/usr/bin/env bash
# Builds mgate and its tests with sanitizers and runs them (docs/hardening.md).
#   scripts/sanitize.sh address   ASan + UBSan, build-asan/: the whole suite
#   scripts/sanitize.sh thread    TSan, build-tsan/: the suites whose code runs threads
# Further arguments go to ctest, e.g. scripts/sanitize.sh address -R 'LintCommand'.
# A sanitizer report ends the process with its own exit code (86 ASan/UBSan, 66 TSan): every
# test checks exit codes, so a report fails the test even in a child mgate process.
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-}"
shift || true
case "$kind" in
  address) dir=build-asan; sanitize=address,undefined ;;
  thread) dir=build-tsan; sanitize=thread ;;
  *) echo "usage: scripts/sanitize.sh address|thread [ctest arguments]" >&2; exit 2 ;;
esac

scripts/setup.sh --dev --hardening
# -O1: the suite runs several times faster than at -O0 and stacks stay readable.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DMGATE_TESTS=ON -DMGATE_SANITIZE="$sanitize" >/dev/null
cmake --build "$dir" -j "$(nproc)"

export ASAN_OPTIONS="exitcode=86:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:halt_on_error=1"
# Leaks in the libraries mgate links that mgate cannot avoid, each with its reason.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=1"
export TSAN_OPTIONS="exitcode=66:halt_on_error=1:second_deadlock_stack=1"
export LLVM_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14

args=()
if [[ "$kind" == thread ]]; then
  # The suites whose code runs threads of mgate's own: the parsing workers (every lint, also in
  # the mgate processes the CLI suites start, and ParsedSet's own tests), discovery's second
  # reader (DiscoverAuto, DiscoverTexts), the JSON report's second writer (JsonWriter), the
  # session watchdog (every dynamic gate), the rollback workers, the traffic clients, and
  # teardown on signals.
  threaded=(ParsedSet DiscoverAuto DiscoverTexts JsonWriter LintCommand CheckCommand
            BaselineCommand PlansCheck PreCommitHook SourceText DynamicGates RollbackJobs IntegrityGate LocksGate PlansGate SourceTextGates
            LocalProvider ExternalProvider DatabaseUrl)
  args+=(-R "^($(IFS='|'; echo "${threaded[*]}"))[./]")
fi
cd "$dir"
ctest --output-on-failure -j "$(nproc)" "${args[@]}" "$@"
