#!/usr/bin/env bash
# Builds mgate's release files into dist/ (git-ignored), on Debian 12:
#   mgate_<version>_amd64.deb             CPack's package: Debian 12's libraries as dependencies,
#                                         the PostgreSQL server recommended
#   mgate-<version>-linux-x86_64.tar.gz   the portable tarball: the same install tree, with every
#                                         shared library but glibc's and libgcc_s beside the
#                                         binary, found through an $ORIGIN-relative rpath
#   install.sh                            scripts/install.sh, installing this version by default
#   SHA256SUMS                            of the package and the tarball
# Usage: scripts/package.sh [deb|tarball|all]   (default all)
# It builds in build/ (Release); a build/ that does not exist yet is configured without tests.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case "$what" in
  deb | tarball | all) ;;
  *) echo "usage: scripts/package.sh [deb|tarball|all]" >&2; exit 2 ;;
esac

scripts/setup.sh --package
if [[ -f build/CMakeCache.txt ]]; then scripts/build.sh; else scripts/build.sh -DMGATE_TESTS=OFF; fi
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/CMakeCache.txt)
mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $what != tarball ]]; then
  rm -f dist/mgate_*_amd64.deb
  cpack --config build/CPackConfig.cmake -B "$work/cpack" >/dev/null
  mv "$work/cpack/mgate_${version}_amd64.deb" dist/
  echo "dist/mgate_${version}_amd64.deb"
fi

if [[ $what != deb ]]; then
  name="mgate-$version-linux-x86_64"
  stage="$work/$name"
  cmake --install build --prefix "$stage" --strip >/dev/null
  mkdir -p "$stage/lib" "$stage/share/doc/mgate/third-party"
  # glibc comes from the target system, its libraries must match its loader; so does libgcc_s.
  # The C++ runtime is linked into the binary (CMakeLists.txt). Every other library is bundled,
  # with its package's copyright file.
  system='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libstdc\+\+|libgcc_s)\.so'
  # libpq is loaded with dlopen when mgate check first connects (src/pg/libpq_on_demand.cpp), so
  # ldd of the binary does not list it: it and its libraries are bundled too.
  libpq=$(ldconfig -p | awk '$1 == "libpq.so.5" {print $NF; exit}')
  { ldd "$stage/bin/mgate"; echo "libpq.so.5 => $libpq (0)"; ldd "$libpq"; } |
    awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u | while read -r soname path; do
    [[ $soname =~ $system ]] && continue
    cp -L "$path" "$stage/lib/$soname"
    package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) ||
      package=$(dpkg -S "$path" | head -1 | cut -d: -f1)
    cp "/usr/share/doc/$package/copyright" "$stage/share/doc/mgate/third-party/$package.copyright"
  done
  # What the tarball promises (docs/install.md): glibc 2.34, and no C++ runtime of the host.
  for file in "$stage/bin/mgate" "$stage"/lib/*; do
    newest=$(objdump -T "$file" | { grep -o 'GLIBC_2\.[0-9]*' || true; } | sort -V | tail -1)
    if [[ -n $newest && $(printf '%s\n' GLIBC_2.34 "$newest" | sort -V | tail -1) != GLIBC_2.34 ]]; then
      echo "package.sh: $file needs $newest, newer than the glibc 2.34 the tarball promises" >&2
      exit 1
    fi
    if objdump -T "$file" | grep GLIBCXX_ >/dev/null; then
      echo "package.sh: $file needs the host's C++ runtime, which the tarball does not promise" >&2
      exit 1
    fi
  done
  # A DT_RPATH (unlike a DT_RUNPATH) also serves the libraries' own dependencies, e.g.
  # libpq's libldap-2.5.so.0, which a newer distribution names differently.
  patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$stage/bin/mgate"
  for lib in "$stage"/lib/*; do
    if [[ -n $(patchelf --print-rpath "$lib") ]]; then
      echo "package.sh: $lib has its own rpath, which would hide the binary's" >&2
      exit 1
    fi
  done
  epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work" -cf - "$name" |
    gzip -9n >"dist/$name.tar.gz"
  echo "dist/$name.tar.gz"
  # The installer attached to the release installs that release when given no version.
  sed "s/^released_version=\"\"/released_version=\"$version\"/" scripts/install.sh >dist/install.sh
  grep -q "^released_version=\"$version\"" dist/install.sh
fi

cd dist
sums=()
for file in mgate_"$version"_amd64.deb "mgate-$version-linux-x86_64.tar.gz"; do
  [[ -f $file ]] && sums+=("$file")
done
sha256sum "${sums[@]}" >SHA256SUMS
