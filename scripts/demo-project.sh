#!/usr/bin/env bash
# demo-project.sh DIR: make DIR the demo's project, a copy of examples/ that is its own git
# repository. Called by demo.sh; safe to run again on an existing DIR.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DEMO="${1:?usage: demo-project.sh DIR}"

if [ ! -d "$DEMO" ]; then
  step "Copying examples/ to $DEMO"
  mkdir -p "$(dirname "$DEMO")"
  cp -r "$REPO/examples" "$DEMO"
fi
# Its own repository, not merely inside one: in this checkout `git rev-parse` succeeds as well,
# and versions would then be tags and DVC files of the checkout itself.
if [ "$(git -C "$DEMO" rev-parse --show-toplevel 2> /dev/null)" != "$(cd "$DEMO" && pwd -P)" ]; then
  # Versions are git commits and tags: give the copy a history to build on.
  step "Making $DEMO a git repository"
  git -C "$DEMO" init -q -b main
  git -C "$DEMO" add .
  git -C "$DEMO" -c user.name="jupyter_deploy demo" -c user.email=demo@localhost \
    commit -q -m "Example project"
fi
