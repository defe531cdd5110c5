#!/usr/bin/env bash
# Installs what mgate needs, builds it, and runs the static and dynamic gates on the bundled demo
# migrations (a throwaway PostgreSQL server is started and removed).
# The demo has dangerous migrations on purpose: mgate reports them and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DMGATE_TESTS=OFF
exec build/mgate check fixtures/demo "$@"
