#!/usr/bin/env bash
# Run every test stage against an installed checkout (.ci/run installs it, then sources this file
# for `test_stages`). A failing stage does not stop the others: the summary at the end lists them
# all, and the exit status is non-zero if any failed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

galata() {
  cd "$REPO/ui-tests"
  jlpm install
  jlpm playwright test
}

doctor_check() {
  local report="${TMPDIR:-/tmp}/jupyter-deploy-doctor.json"
  jupyter deploy doctor --project examples --json >"$report"
  python - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
docker = next(c for c in report["checks"] if c["id"] == "docker")
print(f"Docker engine: {docker['status']} {docker['value']}; target: {report['target']['name']}"
      f" ({report['target']['reason']})")
assert docker["status"] == "ok", "the Docker engine must be reachable in CI"
assert report["target"]["name"] == "docker", "auto must pick docker when the engine is reachable"
PY
}

test_stages() {
  run_stage "ruff check" ruff check jupyter_deploy tests
  run_stage "ruff format" ruff format --check jupyter_deploy tests
  run_stage "mypy" mypy
  run_stage "pytest" python -m pytest -p no:cacheprovider
  run_stage "TypeScript types follow docs/openapi.yaml" python scripts/openapi_types.py --check
  run_stage "eslint, prettier" jlpm lint:check
  run_stage "jest" jlpm test
  run_stage "Galata in Chromium" galata
  run_stage "packaging: pip-installed wheel" bash scripts/check-package.sh
  run_stage "doctor in this environment" doctor_check
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then  # run, not sourced
  cd "$REPO"
  export PATH="$VENV/bin:$PATH"
  test_stages
  stage_summary
fi
