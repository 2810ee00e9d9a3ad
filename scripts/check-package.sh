#!/usr/bin/env bash
# Prove that a plain `pip install` of the wheel enables both the server extension and the
# labextension, with no manual enable step: install it into a throwaway venv and ask Jupyter.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The labextension was built by install_project; the builder hook reuses it (skip-if-exists).
"$VENV/bin/pip" wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$work/dist" .
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check -r requirements-dev.lock "$work"/dist/*.whl

server="$("$work/venv/bin/jupyter" server extension list 2>&1)"
lab="$("$work/venv/bin/jupyter" labextension list 2>&1)"
echo "$server" | grep -A2 "jupyter_deploy"
echo "$lab" | grep "jupyter-deploy"
echo "$server" | grep -q "jupyter_deploy.*enabled" || die "server extension not enabled after pip install"
echo "$server" | grep -q "jupyter_deploy 0.1.0.*OK" || die "server extension did not validate"
echo "$lab" | grep -q "jupyter-deploy v0.1.0.*enabled.*OK" || die "labextension not enabled after pip install"
echo "The wheel enables both extensions."
