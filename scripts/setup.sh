#!/usr/bin/env bash
# Installs everything mgate needs to build, test and run on Debian 12. Idempotent.
#   scripts/setup.sh            build dependencies and the PostgreSQL server
#   scripts/setup.sh --dev      also what the tests use, and the npm tools of the tests and benchmarks
#   scripts/setup.sh --package  also what scripts/package.sh uses
#   scripts/setup.sh --cleanroom  only what the clean-room tests use (they build nothing)
#   scripts/setup.sh --hardening  also clang and its sanitizer and libFuzzer runtimes
#                                 (scripts/sanitize.sh, scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git ca-certificates
  libpg-query-dev libpqxx-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev libboost-dev libboost-filesystem-dev libssl-dev libgtest-dev libgmock-dev
  postgresql-15 postgresql-client-15
)
# Dev only: clang-format for the format check; chromium opens the HTML report in a test;
# python3-junitparser reads the JUnit report in a test; curl, jq and python3 run the action's
# script against a stand-in for GitHub's API in a test.
dev_packages=(clang-format chromium python3-junitparser curl jq python3)
# Packaging: patchelf gives the tarball's binary its $ORIGIN rpath, file and dpkg-dev serve
# CPack's dependency lookup (dpkg-shlibdeps).
package_packages=(patchelf file dpkg-dev)
# The clean-room tests: mmdebstrap makes the roots, jq reads mgate's JSON report.
cleanroom_packages=(mmdebstrap jq ca-certificates)
# Node.js from another source (NodeSource's nodejs bundles npm) conflicts with Debian's npm
# package: install Debian's only when no npm is on the PATH.
command -v npm >/dev/null 2>&1 || dev_packages+=(nodejs npm)

# Hardening only: clang 14 with compiler-rt (ASan, UBSan, TSan, libFuzzer) and llvm-symbolizer
# for readable stacks.
hardening_packages=(clang-14 libclang-rt-14-dev llvm-14)

dev=false
want=()
for option in "$@"; do
  case "$option" in
    --dev) dev=true; want+=("${dev_packages[@]}") ;;
    --package) want+=("${package_packages[@]}") ;;
    --cleanroom) want+=("${cleanroom_packages[@]}") ;;
    --hardening) want+=("${hardening_packages[@]}") ;;
    *) echo "usage: scripts/setup.sh [--dev] [--package] [--cleanroom] [--hardening]" >&2; exit 2 ;;
  esac
done
[[ "$*" == --cleanroom ]] || want+=("${packages[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if $dev; then
  # Dev-only tools, pinned to exact versions in package.json: the SARIF validator and squawk for the benchmark.
  if [[ ! -x node_modules/.bin/sarif-multitool || ! -x node_modules/.bin/squawk ]]; then
    npm install --no-package-lock --no-audit --no-fund --loglevel=error
  fi
  # npm does not run the validator's install script (it only marks the binary executable).
  find node_modules/@microsoft -name Sarif.Multitool -type f -exec chmod u+x {} + 2>/dev/null || true
fi
