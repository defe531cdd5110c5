#!/usr/bin/env bash
# The test suite against PostgreSQL 17: a minimal Debian 13 root with Debian 13's postgresql-17
# (and git, python3, curl, jq, which tests run), the portable tarball installed there by
# scripts/install.sh, and build/'s test executables (one per layer) run inside it on the tarball's libraries, with
# this work tree mounted read-only at the same path and the tarball's mgate as the binary the
# tests run. The SARIF validator's tests are left out (Node.js is not in the root).
#   sudo scripts/test-pg17.sh [GTEST_FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cleanroom.sh
require_root_and_tools
filter=${1:--SarifValidator.*}

scripts/build.sh -DMGATE_TESTS=ON >/dev/null
tarball=$(artifact tarball 'mgate-*-linux-x86_64.tar.gz')
name=$(basename "$tarball" .tar.gz)

make_root trixie --include=postgresql-17,git,python3,curl,jq
mount_runtime
cp "$tarball" scripts/install.sh "$root/tmp/"
in_root "sh /tmp/install.sh --tarball /tmp/$name.tar.gz"
installed="/usr/local/lib/$name"
layers=(unit rules cli integration)
for layer in "${layers[@]}"; do
  cp "build/tests/mgate_${layer}_tests" "$root$installed/bin/"
  patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$root$installed/bin/mgate_${layer}_tests"
done

bind_into_root "$PWD" "$PWD" ro
# The tests run the binary at build/mgate: the tarball's (the same build), mounted there with
# its libraries' absolute path, since $ORIGIN would be build/.
mkdir -p "$root/opt/mgate-as-build"
cp "$root$installed/bin/mgate" "$root/opt/mgate-as-build/"
patchelf --force-rpath --set-rpath "$installed/lib" "$root/opt/mgate-as-build/mgate"
bind_into_root "$root/opt/mgate-as-build/mgate" "$PWD/build/mgate"
t=$(date +%s%N)
for layer in "${layers[@]}"; do
  in_root "cd '$PWD' && '$installed/bin/mgate_${layer}_tests' --gtest_brief=1 --gtest_filter='$filter'" ||
    fail "the $layer tests failed on PostgreSQL 17"
done
say "the test suite ($filter) passed on $(in_root /usr/lib/postgresql/17/bin/postgres --version) in $(since "$t") s"
say "PASSED in $(since "$started") s"
