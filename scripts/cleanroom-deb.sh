#!/usr/bin/env bash
# The package's fresh-machine proof: a minimal Debian 12 root (mmdebstrap --variant=minbase),
# mgate's .deb installed there by scripts/install-deb.sh (apt-get install ./mgate_*.deb, which
# brings the PostgreSQL server it recommends), then `mgate lint` and `mgate check` on
# fixtures/demo inside it, their verdict asserted, and no server or directory left behind.
#   sudo scripts/cleanroom-deb.sh [dist/mgate_VERSION_amd64.deb]
# Without an argument the package is built first (scripts/package.sh deb). Takes a few minutes,
# most of them downloading and unpacking Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cleanroom.sh
require_root_and_tools

deb=$(artifact deb 'mgate_*_amd64.deb' "${1:-}")
say "package $deb ($(du -k "$deb" | cut -f1) KiB)"

# The install runs while mmdebstrap still keeps services from starting in the root, so the
# server package's own cluster stays stopped; mmdebstrap's apt leaves out recommended packages
# unless told otherwise, Debian's installs them.
make_root bookworm --aptopt='APT::Install-Recommends "true"' \
  --customize-hook="copy-in $deb scripts/install-deb.sh /tmp" \
  --customize-hook="chroot \"\$1\" sh /tmp/install-deb.sh /tmp/$(basename "$deb")"
in_root 'mgate version'
mount_runtime
check_demo 15
say "PASSED in $(since "$started") s"
