#!/usr/bin/env bash
# Install everything and open JupyterLab with jupyter_deploy on a copy of the example project.
# Uses the Docker target when an engine can be started, the embedded local target otherwise.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

apt_install git ca-certificates nginx-light
install_project
export PATH="$VENV/bin:$PATH"

if start_docker 60; then
  bash scripts/build-base-image.sh || echo "Base image not built: the Deploy sidebar says how to fix it."
else
  echo "No Docker engine reachable: deployments will use the local target."
fi

# Work on a copy so runs and versions never land in this repository.
DEMO="${JUPYTER_DEPLOY_DEMO_DIR:-$REPO/.demo/iris}"
bash scripts/demo-project.sh "$DEMO"

# Say which target deployments will use, and why, before the browser opens.
jupyter deploy doctor --project "$DEMO" --json | python3 -c '
import json, sys
target = json.load(sys.stdin)["target"]
print("Deployments will use the", target["name"], "target:", target["reason"])' || true

step "Starting JupyterLab on $DEMO"
args=(--ServerApp.root_dir="$DEMO")
[ "$(id -u)" -eq 0 ] && args+=(--allow-root)
exec jupyter lab "${args[@]}" "$@"
