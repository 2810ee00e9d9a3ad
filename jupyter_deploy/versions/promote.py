"""Promote a finished run to `<model>@v<N>`: its files into DVC's cache and remote first, then a
git commit (HEAD's tree plus the version's files) and an annotated tag, which is the moment the
version exists. Killed at any point before the tag, nothing is half-made: unreferenced cache
objects and an untagged commit are harmless."""

import contextlib
import fcntl
import json
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..config import ProjectConfig, load_config
from ..errors import Conflict, NotFound
from ..identity import Identity
from ..runs.records import RunRecords, now
from ..runs.workspace import workspace_dir
from ..schema import infer_schema
from ..store import STATE_DIR, Store, open_store
from .dvc_store import DvcStore, Stored, pointer
from .hash_cache import HashCache, Progress, named
from .promoted import promotions
from .repository import open_repository

VERSION_FILE = "deploy-version.json"
INPUT_EXAMPLE = "input_example.json"
ENVIRONMENT_LOCK = "deploy-environment.txt"
_in_process = threading.Lock()


def tag_name(model: str, number: int) -> str:
    return f"{model}@v{number}"


def gto_tag_name(model: str, number: int) -> str:
    """GTO reads versions only as SemVer: `model@vN.0.0`, on the same commit as `model@vN`,
    registers the version with GTO, so `gto show` lists it and the stage tags on it."""
    return f"{model}@v{number}.0.0"


class Versions:
    def __init__(self, project_dir: Path, store: Store | None = None) -> None:
        self.project_dir = project_dir.resolve()
        self.config: ProjectConfig = load_config(self.project_dir)
        repository = open_repository(self.project_dir)
        self.git = repository.git
        self.prefix = repository.prefix
        # DVC's root is the project: the repository's root, or a folder of it in DVC's
        # subdirectory mode (the only way a project shares a larger repository).
        self.dvc = DvcStore(self.project_dir)
        # The server passes the project's open store; the CLI opens it here, once per command.
        store = store or open_store(self.project_dir)
        self.records = RunRecords(store)
        self.hashes = HashCache(store)

    @property
    def model(self) -> str:
        return self.config.model

    def repo_path(self, rel: str) -> str:
        """A project-relative path as a repository-relative one."""
        return str(PurePosixPath(self.prefix, rel)) if self.prefix else rel

    @contextlib.contextmanager
    def serialised(self) -> Iterator[None]:
        # One writer at a time, across threads (the server) and processes (server and CLI).
        lock_path = self.project_dir / STATE_DIR / "versions.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with _in_process, lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def numbers(self) -> list[int]:
        pattern = re.compile(rf"^{re.escape(self.model)}@v(\d+)$")
        found = (pattern.match(t) for t in self.git.tags(f"{self.model}@v*"))
        return sorted(int(m.group(1)) for m in found if m)

    def promote(
        self,
        run_id: str,
        who: Identity,
        progress: Progress | None = None,
        *,
        copy: bool = False,
    ) -> dict[str, Any]:
        """The run as the next version; refused when the run already is one, unless `copy`
        (the second version would be the first one again under a new number)."""
        run = self.records.get(run_id)
        if run is None:
            raise NotFound(f"no run {run_id!r} in this project")
        if run["status"] != "succeeded":
            raise Conflict(f"run {run_id} {run['status']}: only a succeeded run becomes a version")
        ws = workspace_dir(self.project_dir, run_id)
        missing = [a for a in self.config.artifacts if not (ws / a).is_file()]
        if missing:
            raise Conflict(f"run {run_id} did not produce {', '.join(missing)}")
        with self.serialised():
            # Under the lock: two clicks at once must not both see the run as not yet promoted.
            earlier = promotions(self.git, self.model).get(run_id)
            if earlier and not copy:
                raise Conflict(
                    f"run {run_id} is already version {', '.join(earlier)}; to make another"
                    " version of it anyway, ask for a copy (`copy: true` in the request,"
                    " `--copy` on the command line)"
                )
            return self._promote(run, ws, who, progress)

    def _promote(
        self, run: dict[str, Any], ws: Path, who: Identity, progress: Progress | None
    ) -> dict[str, Any]:
        head = self.git.head()
        if head is None:
            raise Conflict("the repository has no commit yet: commit the project first")
        numbers = self.numbers()
        self._register_with_gto(numbers, who)
        number = (numbers or [0])[-1] + 1
        files: dict[str, bytes] = {}
        for path, content in self.dvc.ensure_initialized().items():
            if self.git.show(head, self.repo_path(path)) is None:
                files[self.repo_path(path)] = content
        remote = self.dvc.remote(self.model)
        # Clones read the remote from the version's own .dvc/config.
        committed = self.dvc.config_with_remote(
            self.git.show(head, self.repo_path(".dvc/config")), remote.name, remote.url
        )
        if committed is not None:
            files[self.repo_path(".dvc/config")] = committed

        stored: list[dict[str, Any]] = []
        for artifact in self.config.artifacts:
            stored.append(self._track(ws / artifact, artifact, head, files, progress))
        data = [self._data_file(run, ws, path, head, files, progress) for path in self.config.data]
        metrics_path = ws / self.config.metrics
        if metrics_path.is_file():
            files[self.repo_path(self.config.metrics)] = metrics_path.read_bytes()
        files[self.repo_path(run["notebook"])] = (ws / run["notebook"]).read_bytes()
        files[self.repo_path("dvc.yaml")] = self._dvc_yaml(head)

        tag = tag_name(self.model, number)
        meta = {
            "model": self.model,
            "version": f"v{number}",
            "tag": tag,
            "run_id": run["id"],
            "sweep_id": run["sweep_id"],
            "notebook": run["notebook"],
            "parameters": run["parameters"],
            "metrics": run["metrics"] or {},
            "files": stored,
            "data": data,
            "schema": self._schema(ws, run["notebook"]),
            "environment": run["environment"],
            "author": {"name": who.name, "email": who.email},
            "created_at": now(),
            "source_commit": head,
        }
        files[self.repo_path(VERSION_FILE)] = (json.dumps(meta, indent=2) + "\n").encode()
        lock = _environment_lock(run["environment"], tag)
        if lock is not None:
            files[self.repo_path(ENVIRONMENT_LOCK)] = lock

        # Data first: once the tag exists, every byte it names is in the cache and the remote.
        pushed = [f for f in [*stored, *data] if f["storage"] == "dvc"]
        self.dvc.push(remote, [(f["path"], Stored(f["md5"], f["size"])) for f in pushed], progress)
        tree = self.git.tree_with(head, files)
        summary = f"{tag}: run {run['id']} of {run['notebook']}"
        commit = self.git.commit_tree(tree, head, summary, who)
        self.git.tag(tag, commit, summary, _summary(meta), who)
        self.git.tag(gto_tag_name(self.model, number), commit, summary, None, who)
        return {**meta, "commit": commit}

    def _register_with_gto(self, numbers: list[int], who: Identity) -> None:
        """Add the GTO tag a version lacks: a promotion killed between its two tags left one."""
        registered = set(self.git.tags(f"{self.model}@v*.0.0"))
        for n in numbers:
            if gto_tag_name(self.model, n) not in registered:
                tag = tag_name(self.model, n)
                self.git.tag(gto_tag_name(self.model, n), f"{tag}^{{commit}}", tag, None, who)

    def _track(
        self,
        source: Path,
        rel: str,
        head: str,
        files: dict[str, bytes],
        progress: Progress | None,
    ) -> dict[str, Any]:
        """Store a file in DVC's cache and add its pointer (and .gitignore line) to `files`."""
        item = self.dvc.store(source, self.hashes, progress)
        path = PurePosixPath(rel)
        files[self.repo_path(f"{rel}.dvc")] = pointer(item.md5, item.size, path.name)
        ignore = self.repo_path(str(path.parent / ".gitignore"))
        files[ignore] = _with_line(files.get(ignore) or self.git.show(head, ignore), path.name)
        return {"path": rel, "md5": item.md5, "size": item.size, "storage": "dvc"}

    def _data_file(
        self,
        run: dict[str, Any],
        ws: Path,
        rel: str,
        head: str,
        files: dict[str, bytes],
        progress: Progress | None,
    ) -> dict[str, Any]:
        """A data file the run read: kept by git when HEAD has exactly those bytes, otherwise
        DVC-tracked like a model file."""
        source = ws / rel
        if not source.is_file():
            raise Conflict(
                f"data file {rel} (listed under `data:`) was not there for run {run['id']}"
            )
        # Large inputs are linked into the workspace, not copied: one changed since the run
        # started is not what the run read.
        if source.is_symlink() and source.stat().st_mtime > _timestamp(run["started_at"]):
            raise Conflict(
                f"data file {rel} changed after run {run['id']} started, so the version could not"
                " say what the model was trained on; run the notebook again"
            )
        repo_rel = self.repo_path(rel)
        committed = self.git.blob_id(head, repo_rel)
        if committed is None:
            return self._track(source, rel, head, files, progress)
        if self.git.hash_file(source, repo_rel) != committed:
            raise Conflict(
                f"data file {rel} is tracked by git and the run read uncommitted changes to it;"
                " commit it and run again"
            )
        md5 = self.hashes.md5_of(source, named("hashing", progress))
        return {"path": rel, "md5": md5, "size": source.stat().st_size, "storage": "git"}

    def _schema(self, ws: Path, notebook: str) -> dict[str, Any] | None:
        """The serving API from the executed notebook, with the run's input example if an
        artifact is one (`input_example.json`)."""
        try:
            parsed = json.loads((ws / notebook).read_bytes())
        except ValueError:
            return None
        example = None
        for artifact in self.config.artifacts:
            if PurePosixPath(artifact).name == INPUT_EXAMPLE:
                with contextlib.suppress(OSError, ValueError):
                    example = json.loads((ws / artifact).read_bytes())
        return infer_schema(parsed, example)

    def _dvc_yaml(self, head: str) -> bytes:
        """HEAD's dvc.yaml (if any) with the project's metrics file declared, so that
        `dvc metrics diff` between versions finds it."""
        existing = self.git.show(head, self.repo_path("dvc.yaml"))
        data = yaml.safe_load(existing) if existing else None
        data = data if isinstance(data, dict) else {}
        declared = data.get("metrics")
        metrics: list[Any] = declared if isinstance(declared, list) else []
        if self.config.metrics not in metrics:
            data["metrics"] = [*metrics, self.config.metrics]
        return yaml.safe_dump(data, sort_keys=False).encode()

    def show(self, reference: str) -> dict[str, Any]:
        """One version by `MODEL@vN` or `vN`, in full: the listing's summary completed from the
        version's `deploy-version.json` (serving schema, every package of the environment)."""
        model, _, version = reference.rpartition("@")
        if (model and model != self.model) or _version_number(version) is None:
            raise NotFound(f"no version {reference!r}: expected {self.model}@v<N>")
        tag = tag_name(self.model, int(version[1:]))
        # One tag's ref, not the whole listing: a model may have thousands of versions.
        for name, meta in self.git.tag_meta(tag):
            if name == tag and meta.get("tag") == tag:
                found = _summary(_with_defaults(meta))
                recorded = self.git.show(tag, self.repo_path(VERSION_FILE))
                try:
                    full = json.loads(recorded) if recorded else {}
                except ValueError:
                    full = {}
                return _with_defaults({**found, **full}) if isinstance(full, dict) else found
        raise NotFound(f"no version {self.model}@{version} (see `jupyter deploy versions`)")

    def listing(self) -> list[dict[str, Any]]:
        """Every version of the model, newest first, as summaries read from the tags alone
        (no serving schema, the environment's package count instead of its packages)."""
        found = [
            _summary(_with_defaults(meta))
            for name, meta in self.git.tag_meta(f"{self.model}@v*")
            if meta.get("tag") == name
        ]
        return sorted(found, key=lambda v: int(str(v["version"])[1:]), reverse=True)


def _environment_lock(environment: dict[str, Any] | None, tag: str) -> bytes | None:
    """The run kernel's packages as pip requirements, so anyone can rebuild the environment:
    `pip install -r <(git show TAG:deploy-environment.txt)`."""
    if not environment or not environment.get("packages"):
        return None
    lines = [f"# {tag}: the run's kernel environment (Python {environment.get('python', '?')})"]
    lines += [f"{name}=={version}" for name, version in environment["packages"].items()]
    return ("\n".join(lines) + "\n").encode()


def _summary(meta: dict[str, Any]) -> dict[str, Any]:
    """What a listing needs of a version: a thousand of them stay a small answer. The tag message
    holds this; `deploy-version.json` in the version's commit holds everything."""
    out = {k: v for k, v in meta.items() if k != "schema"}
    environment = meta.get("environment")
    if isinstance(environment, dict) and isinstance(environment.get("packages"), dict):
        out["environment"] = {
            **{k: v for k, v in environment.items() if k != "packages"},
            "package_count": len(environment["packages"]),
        }
    return out


def _with_defaults(meta: dict[str, Any]) -> dict[str, Any]:
    """Versions made before data files and schemas were recorded read like newer ones."""
    meta.setdefault("data", [])
    meta.setdefault("schema", None)
    return meta


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _version_number(name: str) -> int | None:
    match = re.fullmatch(r"v(\d+)", name)
    return int(match.group(1)) if match else None


def _with_line(existing: bytes | None, name: str) -> bytes:
    text = (existing or b"").decode()
    line = f"/{name}"
    if line in text.splitlines():
        return text.encode()
    return (text.rstrip("\n") + "\n" + line + "\n").lstrip("\n").encode()
