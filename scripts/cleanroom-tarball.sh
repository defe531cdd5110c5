#!/usr/bin/env bash
# The portable tarball's proof on a newer distribution and PostgreSQL major: a minimal Debian 13
# root (mmdebstrap --variant=minbase) with Debian 13's postgresql-17 and curl, the tarball
# installed there by scripts/install.sh from a file:// copy of the release (checksum checked),
# then `mgate lint` and `mgate check` on fixtures/demo, with the local provider on PostgreSQL 17,
# their verdict asserted, and no server or directory left behind. Prints the time from the
# download to check's first output.
#   sudo scripts/cleanroom-tarball.sh [dist/mgate-VERSION-linux-x86_64.tar.gz]
# Without an argument the tarball is built first (scripts/package.sh tarball); SHA256SUMS is
# read from beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cleanroom.sh
require_root_and_tools

tarball=$(artifact tarball 'mgate-*-linux-x86_64.tar.gz' "${1:-}")
[[ -f $(dirname "$tarball")/SHA256SUMS ]] || fail "no SHA256SUMS beside $tarball"
name=$(basename "$tarball" .tar.gz)
version=${name#mgate-}
version=${version%-linux-x86_64}
say "tarball $tarball ($(du -k "$tarball" | cut -f1) KiB)"

make_root trixie --include=postgresql-17,curl
release="$root/tmp/release/v$version"
mkdir -p "$release"
cp "$tarball" "$(dirname "$tarball")/SHA256SUMS" "$release/"
cp scripts/install.sh "$root/tmp/release/install.sh"
mount_runtime

t=$(date +%s%N)
in_root "MGATE_RELEASES=file:///tmp/release sh /tmp/release/install.sh $version"
say "installed in $(since "$t") s"
in_root 'mgate version'
check_demo 17
say "from the download to mgate check's first output: $(since "$t" "$first_output") s"
say "PASSED in $(since "$started") s"
