#!/usr/bin/env bash
# Run the whole test suite against an installed checkout (see .ci/run for the installing part).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
export PATH="$VENV/bin:$PATH"

step "Python: ruff, mypy"
ruff check jupyter_deploy tests
ruff format --check jupyter_deploy tests
mypy

step "Python: pytest"
python -m pytest -p no:cacheprovider

step "Frontend: eslint, prettier, jest"
jlpm lint:check
jlpm test

step "UI: Galata in Chromium"
(cd ui-tests && jlpm install && jlpm playwright test)

step "Packaging: a pip-installed wheel enables both extensions"
bash scripts/check-package.sh

step "Doctor in this environment"
jupyter deploy doctor --project examples --json > "${TMPDIR:-/tmp}/jupyter-deploy-doctor.json"
python - "${TMPDIR:-/tmp}/jupyter-deploy-doctor.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
docker = next(c for c in report["checks"] if c["id"] == "docker")
print(f"Docker engine: {docker['status']} {docker['value']}; target: {report['target']['name']}"
      f" ({report['target']['reason']})")
assert docker["status"] == "ok", "the Docker engine must be reachable in CI"
assert report["target"]["name"] == "docker", "auto must pick docker when the engine is reachable"
PY
