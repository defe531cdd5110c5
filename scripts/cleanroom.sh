# shellcheck shell=bash
# Sourced by scripts/cleanroom-deb.sh, scripts/cleanroom-tarball.sh and scripts/test-pg17.sh: a
# minimal Debian root made by mmdebstrap, mgate run in it with chroot (/proc and a private
# /dev/shm mounted), the verdict on fixtures/demo asserted, and the root unmounted and removed
# on every exit path.
# Needs root (mmdebstrap, mount, chroot) and Debian's package mirror.

mirror=${MGATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=""
mounts=() # inside the root, unmounted in reverse order on exit
# shellcheck disable=SC2034 # the scripts that source this file report it
started=$(date +%s%N)

say() { printf 'cleanroom: %s\n' "$*"; }
fail() {
  printf 'cleanroom: FAILED: %s\n' "$*" >&2
  exit 1
}
# Seconds from $1 to $2 (default: now), both date +%s%N, to a tenth.
since() { awk -v a="$1" -v b="${2:-$(date +%s%N)}" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# Processes whose root directory is the clean room: a server left behind would be one.
processes_in_root() {
  local p
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$root" ]] && echo "${p#/proc/}"
  done
  return 0
}

cleanup() {
  local code=$?
  [[ -n $root && -d $root ]] || exit "$code"
  local pids
  pids=$(processes_in_root)
  # shellcheck disable=SC2086 # one word per process id
  [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
  local i mount
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    mount=${mounts[i]}
    if mountpoint -q "$mount" && ! umount "$mount" && ! umount -l "$mount"; then
      echo "cleanroom: cannot unmount $mount: $root is left in place" >&2
      exit 1
    fi
  done
  # Never delete through a mount (the work tree is bind-mounted in scripts/test-pg17.sh).
  if awk -v root="$root/" 'index($2, root) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    echo "cleanroom: something is still mounted in $root: it is left in place" >&2
    exit 1
  fi
  if [[ -z ${MGATE_CLEANROOM_KEEP:-} ]]; then
    rm -rf --one-file-system "$root"
  else
    say "kept $root (MGATE_CLEANROOM_KEEP)"
  fi
  exit "$code"
}

require_root_and_tools() {
  [[ $(id -u) -eq 0 ]] || fail "run as root: mmdebstrap, mount and chroot need it"
  scripts/setup.sh --cleanroom
}

# artifact KIND PATTERN [GIVEN]: GIVEN, else what scripts/package.sh KIND builds into dist/.
artifact() {
  local given=${3:-}
  if [[ -z $given ]]; then
    scripts/package.sh "$1" >/dev/null
    # shellcheck disable=SC2012,SC2086
    given=$(ls -t dist/$2 | head -1)
  fi
  [[ -f $given ]] || fail "no such file: $given"
  echo "$given"
}

# make_root SUITE [mmdebstrap options...]: a --variant=minbase root of SUITE in a fresh
# directory under TMPDIR.
make_root() {
  local suite=$1
  shift
  root=$(mktemp -d "${TMPDIR:-/tmp}/mgate-cleanroom-$suite.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  local t
  t=$(date +%s%N)
  mmdebstrap --quiet --variant=minbase "$@" "$suite" "$root" "$mirror" ||
    fail "mmdebstrap $suite failed"
  say "$suite root made in $(since "$t") s"
}

mount_runtime() {
  mounts+=("$root/proc")
  mount -t proc proc "$root/proc"
  # Private, and large enough for mgate's runtime directory (it wants 1 GiB free).
  mounts+=("$root/dev/shm")
  mount -t tmpfs -o size=2g,mode=1777 tmpfs "$root/dev/shm"
}

# bind_into_root SOURCE TARGET [ro]: SOURCE (a file or a directory) mounted at TARGET, a path
# inside the root.
bind_into_root() {
  local target="$root$2"
  if [[ -d $1 ]]; then mkdir -p "$target"; elif [[ ! -e $target ]]; then
    mkdir -p "$(dirname "$target")" && touch "$target"
  fi
  mounts+=("$target")
  mount --bind "$1" "$target"
  if [[ ${3:-} == ro ]]; then mount -o remount,bind,ro "$target"; fi
}

# in_root COMMAND...: runs a shell command line in the root, as root, with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    /bin/sh -c "cd /root && $*"
}

# The demo's expected verdict, on every PostgreSQL major: what each gate says, and findings of
# the static and of the dynamic gates (a rule counts when it is folded into another finding of
# its statement: one verdict per risk).
expected_gates="naming=pass history=skip lint=fail forward=pass rollback=fail integrity=fail locks=pass plans=skip"
expected_rules="require-concurrent-index rollback-schema-mismatch integrity-fails-on-data"

# check_demo MAJOR: `mgate lint` and `mgate check` on fixtures/demo in the root, their verdict
# asserted, the server's major version too, and that nothing of the run is left behind. Sets
# first_output to the time (date +%s%N) of check's first line of output.
check_demo() {
  local major=$1
  rm -rf "$root/root/demo"
  cp -r fixtures/demo "$root/root/demo"

  local code=0
  in_root mgate lint demo >"$root/root/lint.txt" 2>&1 || code=$?
  [[ $code -eq 1 ]] || fail "mgate lint exited $code, not 1: $(tail -5 "$root/root/lint.txt")"
  grep -q '\[require-concurrent-index\]' "$root/root/lint.txt" || fail "mgate lint did not report require-concurrent-index"
  say "mgate lint demo: exit 1, as expected"

  local t
  t=$(date +%s%N)
  # The time of check's first line of output is kept in first_output (a date +%s%N).
  {
    local status=0
    in_root mgate check demo --output json=/root/check.json 2>&1 || status=$?
    echo "$status" >"$root/root/check.code"
  } |
    {
      if IFS= read -r line; then
        date +%s%N >"$root/root/first-output"
        printf '%s\n' "$line"
        cat
      fi
    } >"$root/root/check.txt"
  code=$(cat "$root/root/check.code")
  [[ -f $root/root/first-output ]] || fail "mgate check printed nothing (exit $code)"
  first_output=$(cat "$root/root/first-output")
  say "mgate check demo: exit $code in $(since "$t") s, first output after $(since "$t" "$first_output") s"
  [[ $code -eq 1 ]] || fail "mgate check exited $code, not 1: $(tail -15 "$root/root/check.txt")"
  local version gates rule
  version=$(jq -r '.postgres.version' "$root/root/check.json")
  [[ $version == "$major".* ]] || fail "mgate check ran on PostgreSQL $version, not $major"
  gates=$(jq -r '[.gates[] | "\(.name)=\(.status)"] | join(" ")' "$root/root/check.json")
  [[ $gates == "$expected_gates" ]] || fail "gates: $gates, expected: $expected_gates"
  for rule in $expected_rules; do
    jq -e --arg rule "$rule" 'any(.findings[]; .rule == $rule or any((.folded // [])[]; . == $rule))' \
      "$root/root/check.json" >/dev/null ||
      fail "mgate check did not report $rule"
  done
  say "mgate check demo on PostgreSQL $version: $gates"

  local left
  left=$(processes_in_root)
  [[ -z $left ]] || fail "processes left running in the root: $(ps -o pid=,args= -p "${left//$'\n'/,}")"
  left=$(cd "$root" && { ls -d dev/shm/* tmp/mgate-* 2>/dev/null || true; })
  [[ -z $left ]] || fail "left behind in the root: $left"
  say "no server, no run or dump directory left behind"
}
