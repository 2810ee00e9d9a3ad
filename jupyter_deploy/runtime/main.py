"""Start the model server on a service folder: `service.py` (the exported serve cells), the
model files at their project paths, and `deploy-version.json` (the version, with its schema).
`python -m jupyter_deploy.runtime SERVICE_DIR` runs it in the image and as the local target."""

import argparse
import atexit
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from .app import ModelServer
from .keys import read_digests
from .logs import log_config
from .metrics import Metrics

SERVICE_DIR_ENV = "JUPYTER_DEPLOY_SERVICE_DIR"
API_KEYS_ENV = "JUPYTER_DEPLOY_API_KEYS_FILE"
METRICS_DIR_ENV = "JUPYTER_DEPLOY_METRICS_DIR"
MAX_BATCH_ENV = "JUPYTER_DEPLOY_MAX_BATCH"
SECRETS_DIR_ENV = "JUPYTER_DEPLOY_SECRETS_DIR"
MODEL_DIR_ENV = "JUPYTER_DEPLOY_MODEL_DIR"


def load_secrets() -> None:
    """Each file of the secrets folder as an environment variable of this process, named by the
    file: the service reads `os.environ["TOKEN"]` as in the notebook, and the value was never in
    the container's configuration (`docker inspect` shows environment variables)."""
    folder = os.environ.get(SECRETS_DIR_ENV)
    if not folder or not Path(folder).is_dir():
        return
    for file in sorted(Path(folder).iterdir()):
        if file.is_file() and file.name.isidentifier():
            os.environ[file.name] = file.read_text().rstrip("\n")


def load_service(folder: Path) -> ModuleType:
    os.environ.setdefault(MODEL_DIR_ENV, str(folder))
    load_secrets()
    spec = importlib.util.spec_from_file_location("service", folder / "service.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no service.py in {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["service"] = module
    spec.loader.exec_module(module)
    return module


def create_app() -> ModelServer:
    """uvicorn's factory: each worker process builds its own server and loads the model once."""
    folder = Path(os.environ[SERVICE_DIR_ENV]).resolve()
    version_file = folder / "deploy-version.json"
    version = json.loads(version_file.read_text()) if version_file.is_file() else {}
    keys_file = os.environ.get(API_KEYS_ENV)
    return ModelServer(
        load_service(folder),
        version.get("schema"),
        api_keys=read_digests(Path(keys_file)) if keys_file else None,
        metrics=Metrics(Path(os.environ[METRICS_DIR_ENV])),
        info={k: version.get(k, "") for k in ("model", "version", "tag", "source_commit")},
        max_batch=int(os.environ.get(MAX_BATCH_ENV) or 1),
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn  # only the server process needs it

    parser = argparse.ArgumentParser(prog="python -m jupyter_deploy.runtime")
    parser.add_argument("service_dir", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--max-batch",
        type=int,
        default=1,
        help="batch concurrent requests of a list-of-records predict, up to this many records"
        " a call (1: no batching; for vectorised models, e.g. forests)",
    )
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--api-keys-file", type=Path, help="sha256 digests of the accepted API keys, one a line"
    )
    access.add_argument("--open", action="store_true", help="serve without API keys")
    args = parser.parse_args(argv)
    if args.api_keys_file is None and not args.open:
        parser.error("give --api-keys-file FILE, or --open to serve without API keys")
    if args.api_keys_file is not None:
        try:
            read_digests(args.api_keys_file)
        except (OSError, ValueError) as exc:
            parser.error(str(exc))
        os.environ[API_KEYS_ENV] = str(args.api_keys_file.resolve())
    if args.max_batch < 1:
        parser.error(f"--max-batch must be 1 or more, got {args.max_batch}")
    os.environ[MAX_BATCH_ENV] = str(args.max_batch)
    os.environ[SERVICE_DIR_ENV] = str(args.service_dir.resolve())
    # Every worker counts into this folder; /metrics adds the workers up.
    metrics_dir = tempfile.mkdtemp(prefix="jupyter-deploy-metrics-")
    os.environ[METRICS_DIR_ENV] = metrics_dir
    atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)
    uvicorn.run(
        "jupyter_deploy.runtime.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools" if sys.platform != "win32" else "h11",
        access_log=False,
        timeout_graceful_shutdown=30,
        lifespan="on",
        log_config=log_config(),
    )
