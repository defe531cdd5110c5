#!/bin/sh
# Installs mgate from its portable tarball (Linux x86_64, glibc 2.34 or newer), checked against
# the release's SHA256SUMS. The copy attached to a release knows its version:
#   curl -fsSL https://github.com/mgate-dev/mgate/releases/download/v0.1.0/install.sh | sh
# This copy takes it as an argument:
#   sh scripts/install.sh VERSION        a release, e.g. 0.1.0
#   sh scripts/install.sh --tarball FILE a tarball made here (scripts/package.sh tarball)
# PREFIX (default /usr/local as root, else ~/.local) receives lib/mgate-VERSION-linux-x86_64/ and
# symlinks to it: bin/mgate, the man page and the bash and zsh completions. MGATE_RELEASES
# (default https://github.com/mgate-dev/mgate/releases/download) holds v<VERSION>/ with the
# release's files; a file:// URL reads a local copy.
# Exit codes: 0 installed; 1 failed (download, checksum, unpacking); 2 usage; 4 the release has
# no tarball (the GitHub Action then builds mgate from source).
set -eu

released_version=""  # set in the copy attached to a release (scripts/package.sh)
releases=${MGATE_RELEASES:-https://github.com/mgate-dev/mgate/releases/download}

usage() {
  echo "usage: install.sh [VERSION | --tarball FILE]" >&2
  exit 2
}

tarball=""
version=""
case "${1:-}" in
  --tarball) [ $# -eq 2 ] || usage; tarball=$2 ;;
  -*) usage ;;
  "") version=$released_version ;;
  *) [ $# -eq 1 ] || usage; version=${1#v} ;;
esac
if [ -z "$tarball" ] && [ -z "$version" ]; then usage; fi
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install.sh: the tarball is for Linux on x86_64, this is $(uname -s) on $(uname -m)" >&2
  exit 1
fi
if [ -z "${PREFIX:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then PREFIX=/usr/local; else PREFIX=$HOME/.local; fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Downloads URL to FILE. Returns 4 when the server has no such file (HTTP 404, or a missing
# file:// path), 1 on any other failure.
fetch() {
  status=0
  code=$(curl -fsSL --retry 3 -w '%{http_code}' -o "$2" "$1" 2>"$tmp/curl.log") || status=$?
  case "$status:$code" in
    0:*) return 0 ;;
    22:404 | 37:*) return 4 ;;
    *)
      echo "install.sh: cannot download $1:" >&2
      cat "$tmp/curl.log" >&2
      return 1
      ;;
  esac
}

if [ -z "$tarball" ]; then
  name="mgate-$version-linux-x86_64"
  tarball="$tmp/$name.tar.gz"
  status=0
  fetch "$releases/v$version/$name.tar.gz" "$tarball" || status=$?
  if [ "$status" -eq 4 ]; then
    echo "install.sh: release v$version has no $name.tar.gz (at $releases)" >&2
    exit 4
  fi
  [ "$status" -eq 0 ] || exit 1
  fetch "$releases/v$version/SHA256SUMS" "$tmp/SHA256SUMS" || {
    echo "install.sh: release v$version has no SHA256SUMS to check $name.tar.gz against" >&2
    exit 1
  }
  grep " $name.tar.gz\$" "$tmp/SHA256SUMS" | sed "s| $name.tar.gz\$| $tarball|" >"$tmp/expected"
  if [ ! -s "$tmp/expected" ] || ! sha256sum --check --status "$tmp/expected"; then
    echo "install.sh: $name.tar.gz does not match the release's SHA256SUMS" >&2
    exit 1
  fi
else
  name=$(basename "$tarball" .tar.gz)
  case "$name" in
    mgate-*-linux-x86_64) version=${name#mgate-} ;;
    *) echo "install.sh: $tarball is not named mgate-VERSION-linux-x86_64.tar.gz" >&2; exit 2 ;;
  esac
  version=${version%-linux-x86_64}
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin"
unpacked=$(mktemp -d "$PREFIX/lib/.mgate-install.XXXXXX")
if ! tar -xzf "$tarball" -C "$unpacked" || [ ! -x "$unpacked/$name/bin/mgate" ]; then
  rm -rf "$unpacked"
  echo "install.sh: $tarball did not unpack into $name/bin/mgate" >&2
  exit 1
fi
rm -rf "${PREFIX:?}/lib/$name"
mv "$unpacked/$name" "$PREFIX/lib/$name"
rmdir "$unpacked"

# Relative links, so the prefix can move.
link() {
  mkdir -p "$PREFIX/$(dirname "$2")"
  ln -sfn "$(dirname "$2" | sed 's|[^/][^/]*|..|g')/lib/$name/$1" "$PREFIX/$2"
}
link bin/mgate bin/mgate
link share/man/man1/mgate.1.gz share/man/man1/mgate.1.gz
link share/bash-completion/completions/mgate share/bash-completion/completions/mgate
link share/zsh/vendor-completions/_mgate share/zsh/site-functions/_mgate

"$PREFIX/bin/mgate" version >/dev/null
echo "install.sh: installed mgate $version as $PREFIX/bin/mgate"
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "install.sh: $PREFIX/bin is not on your PATH; add it, e.g. export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
