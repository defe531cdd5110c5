#!/usr/bin/env bash
# Installs everything (with the dev tools), builds, checks formatting and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
scripts/build.sh -DMGATE_TESTS=ON

unformatted=$(git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true)
if [[ "$unformatted" != "0" ]]; then
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run 2>&1 | grep 'warning:' | head -20
  echo "clang-format: $unformatted lines are not formatted (run: clang-format -i \$(git ls-files '*.cpp' '*.hpp'))"
  exit 1
fi

cd build
ctest --output-on-failure -j "$(nproc)"
