"""The smoke test a build runs before anything is tagged: the service module, in a fresh
interpreter of the run's own Python, calls `load()` then `predict()` on the recorded input
example. What that interpreter then has imported, mapped to the installed distributions, is
exactly what the service needs: a model unpickled by joblib pulls scikit-learn in even though
the serve cells never import it, and notebook-only tooling (ipykernel, papermill, …) is never
loaded, so it never reaches the image.

The interpreter gets what a replica gets: the declared secrets, as files read into its
environment, and none of the server's own environment (`secret_values.py`)."""

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DeployError
from .secret_values import SECRETS_DIR_ENV, model_environment, undeclared_hint, write_secret_folder

SMOKE_TIMEOUT_S = 300.0

# Runs inside the service's interpreter; prints one JSON line last.
_PROBE = r"""
import importlib.metadata, importlib.util, json, os, pathlib, sys, traceback
folder, example_file = sys.argv[1], sys.argv[2]
# As the model server does (runtime/main.py: load_secrets): each secret file a variable.
secrets = os.environ.get("JUPYTER_DEPLOY_SECRETS_DIR")
if secrets:
    for file in sorted(pathlib.Path(secrets).iterdir()):
        os.environ[file.name] = file.read_text()
sys.path.insert(0, folder)
before = set(sys.modules)
try:
    spec = importlib.util.spec_from_file_location("service", folder + "/service.py")
    service = importlib.util.module_from_spec(spec)
    sys.modules["service"] = service
    spec.loader.exec_module(service)
    service.load()
    with open(example_file) as f:
        example = json.load(f)
    answer = service.predict(example) if example is not None else None
except BaseException:
    print(json.dumps({"ok": False, "traceback": traceback.format_exc()}))
    sys.exit(0)
provides = importlib.metadata.packages_distributions()
stdlib = set(sys.stdlib_module_names)
tops = {name.partition(".")[0] for name in set(sys.modules) - before}
dists = {d for top in tops if top not in stdlib and top != "service" and not top.startswith("_")
         for d in provides.get(top, [])}
# One metadata lookup per distribution: each one searches sys.path.
needed = {dist: importlib.metadata.version(dist) for dist in dists}
try:
    shown = json.loads(json.dumps(answer, default=str))
except (TypeError, ValueError):
    shown = repr(answer)
print(json.dumps({"ok": True, "needs": needed, "answer": shown}))
"""


class SmokeTestFailed(DeployError):
    """load() or predict() failed on the input example; `traceback` is the service's own."""

    code = "smoke_test_failed"

    def __init__(self, message: str, traceback: str) -> None:
        super().__init__(message)
        self.traceback = traceback


@dataclass(frozen=True)
class SmokeResult:
    needs: dict[str, str]  # distribution -> version, as installed where the run ran
    answer: Any

    def requirements(self) -> list[str]:
        return [f"{name}=={version}" for name, version in sorted(self.needs.items(), key=_lower)]


def _lower(item: tuple[str, str]) -> str:
    return item[0].lower()


def smoke_test(
    service_dir: Path,
    example: Any,
    python: str = sys.executable,
    model_dir: Path | None = None,
    secrets: Mapping[str, str] | None = None,
) -> SmokeResult:
    """Run load() and predict(example) from `service_dir/service.py` in a fresh `python`, with
    `secrets` (the declared ones, by name) as its only variables beyond the model environment."""
    example_file = service_dir / ".smoke-example.json"
    example_file.write_text(json.dumps(example))
    env = {**model_environment(), "JUPYTER_DEPLOY_MODEL_DIR": str(model_dir or service_dir)}
    try:
        # Outside the service folder: nothing of the secrets may be near what the image copies.
        with tempfile.TemporaryDirectory(prefix="jupyter-deploy-smoke-") as scratch:
            if secrets:
                env[SECRETS_DIR_ENV] = str(write_secret_folder(Path(scratch) / "s", secrets))
            done = subprocess.run(
                [python, "-c", _PROBE, str(service_dir), str(example_file)],
                capture_output=True, text=True, env=env, timeout=SMOKE_TIMEOUT_S, check=False,
            )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SmokeTestFailed(
            f"the smoke test took over {SMOKE_TIMEOUT_S:.0f} s (load() or predict() hangs)", ""
        ) from None
    finally:
        example_file.unlink(missing_ok=True)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    try:
        report = json.loads(last)
    except ValueError:
        raise SmokeTestFailed(
            f"the smoke test's interpreter failed (exit {done.returncode})", done.stderr[-4000:]
        ) from None
    if not report["ok"]:
        trace = str(report["traceback"])
        last = trace.strip().splitlines()[-1]
        hint = undeclared_hint(trace, secrets or {})
        message = f"load() or predict() failed on the input example: {last}"
        raise SmokeTestFailed(f"{message}. {hint}" if hint else message, trace)
    return SmokeResult(dict(report["needs"]), report["answer"])
