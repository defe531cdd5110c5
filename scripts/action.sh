#!/usr/bin/env bash
# The GitHub Action's steps (action.yml runs each as its own step; tests/cli/action_test.cpp runs
# them in a faked runner environment):
#   action.sh install   installs the release tarball of the action's own version (the ref it was
#                       used at, e.g. @v0.1.0), checksum checked; builds it from source only when
#                       that ref has no release tarball. Puts mgate on GITHUB_PATH.
#   action.sh check     runs mgate check; writes the exit code and the report paths to
#                       GITHUB_OUTPUT and the Markdown report to GITHUB_STEP_SUMMARY. With a
#                       shard (MGATE_SHARD=K/N) it checks that shard only and also writes the
#                       JSON report, mgate-shard-K.json, for the merge. In merge mode
#                       (MGATE_MODE=merge) it runs mgate merge over the shards' JSON reports
#                       (MGATE_REPORTS: globs or directories) instead, with the same outputs.
#   action.sh comment   posts the Markdown report on the pull request, or edits the comment it
#                       posted before (found by its marker): one comment per pull request.
# Runner variables: GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL. The action's inputs
# come as MGATE_* variables (see action.yml). MGATE_RELEASES overrides where releases are
# downloaded from (scripts/install.sh).
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
prefix="$RUNNER_TEMP/mgate"
reports="$RUNNER_TEMP/mgate-report"
marker="<!-- mgate-report -->"

# The release the action was used at: github.action_ref (MGATE_ACTION_REF), which composite
# actions do not always receive, else the last part of the action's path, which the runner names
# after the ref (.../_actions/OWNER/REPO/REF). Empty for a branch, a commit or a local action.
action_version() {
  local ref=${MGATE_ACTION_REF:-}
  if [[ -z $ref && $action_path == */_actions/*/*/* ]]; then ref=$(basename "$action_path"); fi
  if [[ $ref =~ ^v([0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?)$ ]]; then
    echo "${BASH_REMATCH[1]}"
  fi
}

# The portable tarball built from the action's own source, by the release's script, in a
# Debian 12 container (mgate's build dependencies are Debian 12 packages), or directly on a
# Debian 12 runner.
build_from_source() {
  local source="$RUNNER_TEMP/mgate-source"
  rm -rf "$source"
  cp -R "$action_path" "$source"
  if command -v docker >/dev/null 2>&1; then
    docker run --rm --volume "$source:/src" --workdir /src debian:12 \
      bash -c 'scripts/package.sh tarball >/dev/null'
  elif grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release 2>/dev/null; then
    (cd "$source" && scripts/package.sh tarball >/dev/null)
  else
    echo "::error::mgate: building from source needs docker, or a Debian 12 runner"
    return 1
  fi
  local tarball
  tarball=$(ls "$source"/dist/mgate-*-linux-x86_64.tar.gz)
  PREFIX="$prefix" sh "$action_path/scripts/install.sh" --tarball "$tarball"
}

install_mgate() {
  local version status=0
  version=$(action_version)
  # A fork's action downloads the fork's releases.
  if [[ -z ${MGATE_RELEASES:-} && $action_path =~ /_actions/([^/]+/[^/]+)/[^/]+$ ]]; then
    export MGATE_RELEASES="https://github.com/${BASH_REMATCH[1]}/releases/download"
  fi
  if [[ -n $version ]]; then
    PREFIX="$prefix" sh "$action_path/scripts/install.sh" "$version" || status=$?
    if ((status == 4)); then
      echo "::notice::mgate: release v$version has no tarball: building mgate from source"
      build_from_source
    elif ((status != 0)); then
      return "$status"
    fi
  else
    echo "::notice::mgate: the action is not used at a release tag (e.g. @v0.1.0): building" \
      "mgate from source, which takes minutes"
    build_from_source
  fi
  echo "$prefix/bin" >>"$GITHUB_PATH"
  "$prefix/bin/mgate" version
}

# The reports the check or merge step writes, as FORMAT=FILE: the --output options of mgate, and
# the step's outputs of the same names.
reports_written=("sarif=$reports/mgate.sarif" "markdown=$reports/mgate.md" "html=$reports/mgate.html")

# Runs the mgate command given, then writes its exit code and the reports it wrote to
# GITHUB_OUTPUT, and the Markdown report to GITHUB_STEP_SUMMARY.
run_reporting() {
  local code=0 report
  "$@" || code=$?
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
  # The reports exist only when mgate got as far as checking (not on exit 2 or 3).
  for report in "${reports_written[@]}"; do
    if [[ -f ${report#*=} ]]; then echo "$report" >>"$GITHUB_OUTPUT"; fi
  done
  if [[ -f $reports/mgate.md ]]; then cat "$reports/mgate.md" >>"$GITHUB_STEP_SUMMARY"; fi
}

run_check() {
  mkdir -p "$reports"
  # In a container job the work space belongs to another user: let git read it. From /, so that
  # git does not first look for a repository here.
  git -C / config --global --add safe.directory "$PWD"
  local command=(mgate check --fail-on "${MGATE_FAIL_ON:-error}") shard=${MGATE_SHARD:-} report
  # A shard's findings are annotated by the merge, which has them all: one annotation per
  # finding. The shard's log gets the text report, which says which migrations it checked.
  if [[ -z $shard ]]; then
    command+=(--format github)
  else
    reports_written+=("json=$reports/mgate-shard-${shard%%/*}.json")
  fi
  for report in "${reports_written[@]}"; do command+=(--output "$report"); done
  if [[ -n ${MGATE_BASE:-} ]]; then command+=(--since "$MGATE_BASE"); fi
  if [[ -n $shard ]]; then command+=(--shard "$shard"); fi
  # Word splitting is intended: path and args are lists.
  # shellcheck disable=SC2206
  if [[ -n ${MGATE_PATH:-} ]]; then command+=($MGATE_PATH); fi
  # shellcheck disable=SC2206
  if [[ -n ${MGATE_ARGS:-} ]]; then command+=($MGATE_ARGS); fi
  run_reporting "${command[@]}"
}

# The shards' JSON reports named by MGATE_REPORTS (globs, and directories searched for *.json at
# any depth, e.g. where actions/download-artifact put them), merged into one report.
run_merge() {
  mkdir -p "$reports"
  local word shards=() command report
  shopt -s nullglob globstar
  # Word splitting and globbing are intended: a list of globs and directories.
  # shellcheck disable=SC2086
  for word in ${MGATE_REPORTS:-mgate-shard-*.json}; do
    if [[ -d $word ]]; then shards+=("$word"/**/*.json); else shards+=("$word"); fi
  done
  shopt -u nullglob globstar
  if ((${#shards[@]} == 0)); then
    echo "::error::mgate: no JSON report matches reports: '${MGATE_REPORTS:-mgate-shard-*.json}'" \
      "in $PWD (did the merge job download the shards' artifacts?)"
    echo "exit-code=2" >>"$GITHUB_OUTPUT"
    return 0
  fi
  command=(mgate merge "${shards[@]}" --format github)
  for report in "${reports_written[@]}"; do command+=(--output "$report"); done
  # shellcheck disable=SC2206
  if [[ -n ${MGATE_ARGS:-} ]]; then command+=($MGATE_ARGS); fi
  run_reporting "${command[@]}"
}

# curl on GitHub's REST API: api METHOD PATH [JSON-BODY-FILE]; the response body on stdout.
# Fails on an HTTP error, with GitHub's message on stderr.
api() {
  local arguments=(--silent --show-error --location --request "$1"
    --header "Authorization: Bearer $GITHUB_TOKEN"
    --header "Accept: application/vnd.github+json"
    --header "X-GitHub-Api-Version: 2022-11-28"
    --output "$RUNNER_TEMP/mgate-api.json" --write-out '%{http_code}')
  if (($# == 3)); then arguments+=(--header "Content-Type: application/json" --data "@$3"); fi
  local status
  status=$(curl "${arguments[@]}" "${GITHUB_API_URL:-https://api.github.com}$2") || return 1
  if [[ $status != 2?? ]]; then
    echo "$1 $2: HTTP $status: $(jq -r '.message? // empty' "$RUNNER_TEMP/mgate-api.json" 2>/dev/null)" >&2
    return 1
  fi
  cat "$RUNNER_TEMP/mgate-api.json"
}

# The id of the comment with the marker on the pull request's conversation, if any.
find_comment() {
  local page=1 comments
  while :; do
    comments=$(api GET "/repos/$GITHUB_REPOSITORY/issues/$1/comments?per_page=100&page=$page") ||
      return 1
    jq -r --arg marker "$marker" \
      'first(.[] | select(.body // "" | contains($marker)) | .id) // empty' <<<"$comments" |
      grep . && return 0
    (($(jq length <<<"$comments") == 100)) || return 0
    page=$((page + 1))
  done
}

post_comment() {
  local pr
  pr=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null || true)
  if [[ -z $pr ]]; then
    echo "mgate: this run is not for a pull request: no comment"
    return 0
  fi
  if [[ -z ${MGATE_MARKDOWN:-} || ! -f $MGATE_MARKDOWN ]]; then
    echo "mgate: no Markdown report (mgate stopped before checking): no comment"
    return 0
  fi
  # GitHub refuses comments over 65536 characters.
  local body="$RUNNER_TEMP/mgate-comment.json"
  jq --raw-input --slurp --arg marker "$marker" --arg more \
    "*The report is longer than a comment can be: the whole of it is in the job summary.*" \
    '{body: ($marker + "\n" + (if length > 60000 then .[:60000] + "\n\n" + $more else . end))}' \
    "$MGATE_MARKDOWN" >"$body"
  local id response
  # A failed comment (e.g. a read-only token on a pull request from a fork) does not fail the
  # job: the check's verdict does.
  if ! id=$(find_comment "$pr"); then
    echo "::warning::mgate: cannot read the pull request's comments (does the job have pull-requests: write?)"
    return 0
  fi
  if [[ -n $id ]]; then
    response=$(api PATCH "/repos/$GITHUB_REPOSITORY/issues/comments/$id" "$body") || {
      echo "::warning::mgate: cannot edit comment $id"
      return 0
    }
    echo "mgate: updated $(jq -r .html_url <<<"$response")"
  else
    response=$(api POST "/repos/$GITHUB_REPOSITORY/issues/$pr/comments" "$body") || {
      echo "::warning::mgate: cannot comment on pull request #$pr (does the job have pull-requests: write?)"
      return 0
    }
    echo "mgate: commented $(jq -r .html_url <<<"$response")"
  fi
}

case "${1:-}" in
  install) install_mgate ;;
  check)
    case ${MGATE_MODE:-check} in
      check) run_check ;;
      merge) run_merge ;;
      *)
        echo "::error::mgate: mode is check or merge, not '$MGATE_MODE'"
        exit 2
        ;;
    esac
    ;;
  comment) post_comment ;;
  *)
    echo "usage: action.sh install|check|comment" >&2
    exit 2
    ;;
esac
