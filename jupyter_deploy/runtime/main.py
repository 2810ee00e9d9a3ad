"""Start the model server on a service folder: `service.py` (the exported serve cells), the
model files at their project paths, and `deploy-version.json` (the version, with its schema).
`python -m jupyter_deploy.runtime SERVICE_DIR` runs it in the image and as the local target."""

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

from .app import ModelServer

SERVICE_DIR_ENV = "JUPYTER_DEPLOY_SERVICE_DIR"
MODEL_DIR_ENV = "JUPYTER_DEPLOY_MODEL_DIR"


def load_service(folder: Path) -> ModuleType:
    os.environ.setdefault(MODEL_DIR_ENV, str(folder))
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
    return ModelServer(load_service(folder), version.get("schema"))


def main(argv: list[str] | None = None) -> None:
    import uvicorn  # only the server process needs it

    parser = argparse.ArgumentParser(prog="python -m jupyter_deploy.runtime")
    parser.add_argument("service_dir", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ[SERVICE_DIR_ENV] = str(args.service_dir.resolve())
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
    )
