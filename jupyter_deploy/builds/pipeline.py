"""One build of a version, step by step: export the serve cells and fetch the model files from
DVC, smoke-test them on the version's input example, resolve the wheels of what the service
imported, make (or reuse) the dependency image, then the version's image. Everything is read
from the version itself (its commit and DVC hashes), never from the working tree, so a build of
`v3` is the same whatever the notebook looks like now."""

import contextlib
import json
import os
import platform
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomic import atomic_write_text
from ..errors import DeployError, NotFound
from ..versions import Versions
from ..versions.promote import INPUT_EXAMPLE, VERSION_FILE
from .export import SERVICE_MODULE, export_service
from .image import (
    BuiltImage,
    build_image,
    dependency_tag,
    link_or_copy,
    oci_labels,
    write_dependency_context,
    write_service_context,
)
from .naming import PROJECT_LABEL, image_tag
from .secret_values import declared_values
from .smoke import smoke_test
from .wheels import Wheel, cache_home, cached_wheels, lock_hash

# The model server's own dependencies, pinned to what jupyter_deploy runs with here.
RUNTIME_PACKAGES = ("uvicorn", "httptools", "uvloop", "orjson")


class BaseImageMissing(DeployError):
    code = "base_image_missing"


@dataclass(frozen=True)
class BuildOutput:
    image: BuiltImage
    tag: str
    dependency_image: str
    dependency_cached: bool
    requirements: list[str]
    lock_hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.image.id,
            "tag": self.tag,
            "size": self.image.size,
            "dependency_image": self.dependency_image,
            "dependency_cached": self.dependency_cached,
            "lock_hash": self.lock_hash,
        }


Step = Callable[[str], None]
Log = Callable[[str], None]


def runtime_requirements() -> list[str]:
    return [f"{name}=={installed_version(name)}" for name in RUNTIME_PACKAGES]


def build_version(
    versions: Versions,
    reference: str,
    client: Any,
    work: Path,
    step: Step,
    log: Log,
    base_image: str | None = None,
    expected: list[str] | None = None,
    project: str = "",
) -> BuildOutput:
    """Build `reference`'s image in the scratch folder `work`; `step` is told each step's name
    as it starts, `log` every line worth showing. `expected`: the requirements the model's
    previous build found; when they are resolved and their dependency image exists, the image
    is built while the smoke test runs, and tagged only if the test passes and finds the same.
    `project`: the project's id, which names the image (`naming.py`)."""
    version = versions.show(reference)
    base_image = base_image or versions.config.base_image
    tag = image_tag(project, version)
    # Before anything runs: a declared secret that is not set is named, its value never shown.
    secrets = declared_values(versions.config.secrets)

    step("export")
    service = work / "service"
    files = service_files(versions, version, service)
    log(f"exported the serve cells of {version['notebook']} to {SERVICE_MODULE}")
    for path in files:
        if path not in (SERVICE_MODULE, VERSION_FILE):
            log(f"model file {path} ({(service / path).stat().st_size:,} bytes)")

    step("smoke")
    example = _example(service, version)
    python = _python(version)
    log(f"load() and predict() on the input example, in {python}")
    if example is None:
        log("no input example in this version: only load() is checked")
    labels = {**oci_labels(version), PROJECT_LABEL: project}
    early = _EarlyImage.start(client, work, labels, files, base_image, expected)
    try:
        smoke = smoke_test(service, example, python=python, model_dir=service, secrets=secrets)
    except BaseException:
        if early is not None:
            early.discard()
        raise
    imported = ", ".join(sorted(smoke.needs)) or "nothing outside the standard library"
    log(f"the smoke test passed; the service imports {imported}")

    step("resolve")
    base = _base_image(client, base_image)
    python_version = _python_version(client, base)
    requirements = [*smoke.requirements(), *runtime_requirements()]
    wheels, cached = cached_wheels(requirements, python_version, _machine(client))
    log(
        f"{len(wheels)} wheels for Python {python_version}"
        + (" (resolved before, from the cache)" if cached else " resolved on this host")
    )

    step("dependencies")
    dependency_image = dependency_tag(base.id, wheels)
    dependency_cached = _exists(client, dependency_image)
    if dependency_cached:
        log(f"dependency image {dependency_image} exists: reused")
    else:
        context = work / "dependencies"
        labels = {"io.jupyter-deploy.lock-hash": lock_hash(wheels)}
        write_dependency_context(context, base_image, wheels, labels)
        build_image(client, context, dependency_image, {}, log)

    step("image")
    image = early.take(dependency_image, log) if early is not None else None
    if image is not None:
        repository, _, name = tag.rpartition(":")
        client.api.tag(image.id, repository, name)
    else:
        context = work / "image"
        write_service_context(context, dependency_image, files, _labels(labels, wheels))
        image = build_image(client, context, tag, {}, log)
    log(f"image {tag} ({image.id[7:19]}, {image.size / 1e6:,.0f} MB)")
    return BuildOutput(
        image, tag, dependency_image, dependency_cached, requirements, lock_hash(wheels)
    )


def _labels(labels: dict[str, str], wheels: list[Wheel]) -> dict[str, str]:
    return {**labels, "io.jupyter-deploy.lock-hash": lock_hash(wheels)}


class _EarlyImage:
    """The version's image built from the previous build's lock while the smoke test runs
    (untagged: the smoke test decides). A thread, not a pool: a cancelled build must not wait
    for it at exit."""

    def __init__(self, client: Any, context: Path, dependency_image: str) -> None:
        self.client = client
        self.context = context
        self.dependency_image = dependency_image
        self.lines: list[str] = []
        self.image: BuiltImage | None = None
        self.thread = threading.Thread(target=self._build, daemon=True)

    @classmethod
    def start(
        cls,
        client: Any,
        work: Path,
        labels: dict[str, str],
        files: dict[str, Path],
        base_image: str,
        expected: list[str] | None,
    ) -> "_EarlyImage | None":
        if not expected:
            return None
        try:
            base = client.images.get(base_image)
            python_version = _python_version(client, base)
        except Exception:  # the build proper reports what is wrong with the base
            return None
        wheels = cached_wheels(expected, python_version, _machine(client), resolve=False)[0]
        dependency_image = dependency_tag(base.id, wheels)
        if not wheels or not _exists(client, dependency_image):
            return None
        context = work / "early-image"
        write_service_context(context, dependency_image, files, _labels(labels, wheels))
        early = cls(client, context, dependency_image)
        early.thread.start()
        return early

    def _build(self) -> None:
        try:
            self.image = build_image(self.client, self.context, None, {}, self.lines.append)
        except Exception as exc:  # the build proper runs instead, and reports
            self.lines.append(f"(early build failed: {exc})")

    def take(self, dependency_image: str, log: Log) -> BuiltImage | None:
        """The image, if built on the dependency image the smoke test led to."""
        self.thread.join()
        if dependency_image != self.dependency_image or self.image is None:
            self.discard()
            return None
        for line in self.lines:
            log(line)
        log("(built while the smoke test ran, on the same dependency image)")
        return self.image

    def discard(self) -> None:
        if self.thread.is_alive():
            return  # still building: it ends with the worker, unused and untagged
        if self.image is not None:
            with contextlib.suppress(Exception):  # in use by a tagged image: leave it
                self.client.images.remove(self.image.id)


def service_files(versions: Versions, version: dict[str, Any], service: Path) -> dict[str, Path]:
    """The service folder: the exported module, the version record, and the model files at their
    project paths (as `load()` reads them), fetched from DVC by hash."""
    tag = str(version["tag"])
    notebook = versions.git.show(tag, versions.repo_path(str(version["notebook"])))
    if notebook is None:
        raise NotFound(f"{tag} has no {version['notebook']} in its commit")
    try:
        parsed = json.loads(notebook)
    except ValueError:
        raise NotFound(f"{tag}: {version['notebook']} in its commit is not a notebook") from None
    service.mkdir(parents=True)
    files = {SERVICE_MODULE: service / SERVICE_MODULE, VERSION_FILE: service / VERSION_FILE}
    files[SERVICE_MODULE].write_text(export_service(parsed, str(version["notebook"]), tag))
    files[VERSION_FILE].write_text(json.dumps(version, indent=2) + "\n")
    remote = versions.dvc.remote(versions.model)
    for item in version["files"]:
        source = versions.dvc.fetch(remote, str(item["md5"]))
        if source is None:
            raise NotFound(
                f"{item['path']} ({item['md5']}) is in neither DVC's cache nor the remote"
                f" {remote.name!r}"
            )
        target = service / PurePosixPath(item["path"])
        link_or_copy(source, target)
        files[str(item["path"])] = target
    return files


def _example(service: Path, version: dict[str, Any]) -> Any:
    """The recorded input example, shaped as the runtime would pass it to predict()."""
    example = None
    for item in version["files"]:
        if PurePosixPath(item["path"]).name == INPUT_EXAMPLE:
            try:
                example = json.loads((service / item["path"]).read_text())
            except ValueError:
                example = None
    schema = version.get("schema") or {}
    if example is None:
        example = schema.get("example")
    wants_list = (schema.get("input") or {}).get("type") == "array"
    return [example] if wants_list and isinstance(example, dict) else example


def _python(version: dict[str, Any]) -> str:
    """The run kernel's interpreter when it is still on this machine: the smoke test imports
    exactly what the run had installed."""
    executable = str((version.get("environment") or {}).get("executable") or "")
    return executable if executable and os.access(executable, os.X_OK) else sys.executable


def _base_image(client: Any, name: str) -> Any:
    import docker

    try:
        return client.images.get(name)
    except docker.errors.ImageNotFound:
        raise BaseImageMissing(
            f"the base image {name} is not on this Docker engine: pull it, or build the local"
            " one with scripts/build-base-image.sh, or set base_image in jupyter-deploy.yaml"
        ) from None


def _python_version(client: Any, image: Any) -> str:
    """The base image's `major.minor` Python (the official images say so in PYTHON_VERSION)."""
    for item in image.attrs.get("Config", {}).get("Env") or []:
        name, _, value = str(item).partition("=")
        if name == "PYTHON_VERSION" and value.count(".") >= 1:
            return ".".join(value.split(".")[:2])
    # Otherwise ask the image once; its id names exactly this content, so the answer is kept.
    known_file = cache_home().parent / "python-versions.json"
    try:
        known = json.loads(known_file.read_text())
    except (OSError, ValueError):
        known = {}
    if isinstance(known.get(image.id), str):
        return str(known[image.id])
    out = client.containers.run(
        image.id,
        ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        entrypoint=[],
        remove=True,
        network_disabled=True,
    )
    found = bytes(out).decode().strip()
    atomic_write_text(known_file, json.dumps({**known, image.id: found}))
    return found


def _machine(client: Any) -> str:
    return str(client.version().get("Arch") or platform.machine())


def _exists(client: Any, tag: str) -> bool:
    import docker

    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True
