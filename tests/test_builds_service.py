"""Builds of real versions of the example (real kernels, git, DVC and Docker engine): the record,
the live log, the dependency image reused by a model-only version, the notebook's traceback when
load() fails, a secret the build used appearing nowhere in the image, cancellation, and the CLI."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest
from conftest import BASE_IMAGE as BASE
from conftest import copy_example
from version_fixtures import edit_serve_cell, init_repository, new_version

from jupyter_deploy.builds.naming import image_tag, project_id
from jupyter_deploy.builds.records import STEPS, BuildRecords
from jupyter_deploy.builds.secret_values import SecretMissing
from jupyter_deploy.builds.service import BuildService
from jupyter_deploy.config import load_config
from jupyter_deploy.events import Fanout
from jupyter_deploy.store import open_store

JUPYTER = str(Path(sys.executable).parent / "jupyter")
SECRET = "s3cr3t-" + os.urandom(6).hex()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, client: Any) -> Iterator[Path]:
    """The example with a unique model name (images are tagged by it) and two versions that
    differ only in their model: v1 and v2."""
    project = copy_example(tmp_path_factory.mktemp("builds") / "iris")
    model = f"iris-test-{os.urandom(3).hex()}"
    config = project / "jupyter-deploy.yaml"
    config.write_text(config.read_text().replace("model: iris-classifier", f"model: {model}"))
    init_repository(project)
    new_version(project, n_estimators=5)
    new_version(project, n_estimators=6)
    yield project
    for image in client.images.list(filters={"label": f"org.opencontainers.image.title={model}"}):
        client.images.remove(image.id, force=True)


def _config_model(project: Path) -> str:
    return load_config(project).model


def _tag(project: Path, version: str) -> str:
    """The name the project's images get: per project (naming.py)."""
    store = open_store(project)
    try:
        return image_tag(project_id(store), {"model": _config_model(project), "version": version})
    finally:
        store.close()


def _build(project: Path, version: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    sink = Fanout()
    sink.subscribe(lambda topic, event: events.append(event))
    service = BuildService(project, events=sink)
    build = service.start(f"{_config_model(project)}@{version}", "ada")
    return service.wait(build["id"], timeout=600), events


def test_a_version_becomes_an_image_with_a_record_and_a_live_log(
    project: Path, client: Any
) -> None:
    build, events = _build(project, "v1")
    assert build["status"] == "succeeded", build["error"]
    assert [s["name"] for s in build["steps"]] == list(STEPS)
    assert all(s["duration_s"] is not None for s in build["steps"])
    model = _config_model(project)
    image = client.images.get(build["image"]["tag"])
    assert build["image"]["tag"] == _tag(project, "v1")
    assert build["image"]["tag"].startswith("jupyter-deploy/")
    assert image.id == build["image"]["id"]
    assert build["image"]["size"] == image.attrs["Size"]
    assert image.labels["org.opencontainers.image.version"] == "v1"
    assert image.labels["io.jupyter-deploy.tag"] == f"{model}@v1"
    # What the smoke test saw the service import, plus the server's own packages; no notebook
    # tooling.
    names = {r.split("==")[0].lower() for r in build["requirements"]}
    assert {"scikit-learn", "numpy", "joblib", "uvicorn", "orjson"} <= names
    assert not names & {"ipykernel", "papermill", "jupyter-server", "nbconvert"}

    # The same lines reached the listener live and the log file.
    logs = [e for e in events if e["kind"] == "log"]
    streamed = [line for e in logs for line in e["lines"]]
    logged = BuildService(project).log(build["id"])["lines"]
    assert streamed == logged
    for event in logs:  # each event says where its lines go
        assert logged[event["offset"] : event["offset"] + len(event["lines"])] == event["lines"]
    assert "── smoke" in streamed
    assert any(line.startswith("Successfully tagged") for line in streamed)
    statuses = [e["build"]["status"] for e in events if e["kind"] == "build"]
    assert statuses[0] == "running"
    assert statuses[-1] == "succeeded"
    assert BuildService(project).log(build["id"], offset=len(logged)) == {
        "lines": [],
        "offset": len(logged),
    }

    # v2 changed only the model: the dependency image is reused and only the last steps run.
    second, events = _build(project, "v2")
    assert second["status"] == "succeeded", second["error"]
    assert second["image"]["dependency_cached"] is True
    assert second["image"]["dependency_image"] == build["image"]["dependency_image"]
    lines = [line for e in events if e["kind"] == "log" for line in e["lines"]]
    assert "from the cache" in next(line for line in lines if "wheels for Python" in line)
    fresh = [line for line in lines if line.startswith(" ---> Running in")]
    assert len(fresh) == 1, lines  # the LABEL step; COPY runs no container
    # v1's requirements were the expected ones: the image was built during the smoke test.
    assert "(built while the smoke test ran, on the same dependency image)" in lines


def test_a_failing_load_stops_the_build_with_the_notebooks_traceback_and_secrets_stay_out(
    project: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The smoke test gets the declared secrets and nothing else of the server's environment;
    a declared secret that is not set is refused before a build starts."""
    edit_serve_cell(
        project,
        "    global _model, _classes\n",
        "    global _model, _classes\n"
        "    if not os.environ.get('IRIS_TOKEN'):\n"
        "        raise RuntimeError('IRIS_TOKEN is not set: load() needs it')\n",
    )
    config = project / "jupyter-deploy.yaml"
    config.write_text(config.read_text().replace("secrets: []", "secrets: [IRIS_TOKEN]"))
    subprocess.run(["git", "commit", "-qam", "needs a token"], cwd=project, check=True)
    monkeypatch.setenv("IRIS_TOKEN", SECRET)  # the run's kernel has it
    version = new_version(project, n_estimators=5)["version"]

    monkeypatch.delenv("IRIS_TOKEN")
    records = BuildRecords(open_store(project))
    before = len(records.find(None, 1000))
    with pytest.raises(SecretMissing) as missing:
        BuildService(project).start(f"{_config_model(project)}@{version}", "ada")
    assert "secret IRIS_TOKEN is declared" in missing.value.message
    assert len(records.find(None, 1000)) == before  # nothing recorded, nothing started

    # Set where the server runs but not declared: the smoke test does not see it.
    monkeypatch.setenv("IRIS_TOKEN", SECRET)
    config.write_text(config.read_text().replace("secrets: [IRIS_TOKEN]", "secrets: []"))
    failed, _ = _build(project, version)
    config.write_text(config.read_text().replace("secrets: []", "secrets: [IRIS_TOKEN]"))
    assert failed["status"] == "failed"
    assert failed["step"] == "smoke"
    assert failed["error"]["code"] == "smoke_test_failed"
    assert "IRIS_TOKEN is not set" in failed["error"]["message"]
    trace = failed["error"]["traceback"]
    assert "Traceback" in trace
    assert "in load" in trace
    assert "raise RuntimeError" in trace
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get(_tag(project, version))
    assert SECRET not in json.dumps(failed)

    built, events = _build(project, version)
    assert built["status"] == "succeeded", built["error"]
    image = client.images.get(built["image"]["tag"])
    inspected = json.dumps(client.api.inspect_image(image.id))
    history = json.dumps(client.api.history(image.id))
    layers = io.BytesIO(b"".join(image.save()))
    assert SECRET not in inspected
    assert SECRET not in history
    with tarfile.open(fileobj=layers) as saved:
        for member in saved.getmembers():
            content = saved.extractfile(member)
            if content is None:
                continue
            data = content.read()
            if member.name.endswith("layer.tar"):
                with tarfile.open(fileobj=io.BytesIO(data)) as layer:
                    for item in layer.getmembers():
                        inner = layer.extractfile(item) if item.isfile() else None
                        if inner is not None:
                            assert SECRET.encode() not in inner.read(), item.name
            else:
                assert SECRET.encode() not in data, member.name
    logged = "\n".join(line for e in events if e["kind"] == "log" for line in e["lines"])
    assert SECRET not in logged
    # The later tests' builds need no secret.
    config.write_text(config.read_text().replace("secrets: [IRIS_TOKEN]", "secrets: []"))


def test_cancel_ends_the_build_and_what_it_started(project: Path, client: Any) -> None:
    # A base image of its own makes a fresh dependency image, the longest step (pip inside).
    base, _ = client.images.build(
        fileobj=io.BytesIO(f"FROM {BASE}\nLABEL nonce={os.urandom(6).hex()}\n".encode()),
        tag=f"jupyter-deploy-test/base:{os.urandom(4).hex()}",
        rm=True,
    )
    installing = []

    def watch(topic: str, event: dict[str, Any]) -> None:
        if event["kind"] == "log" and any("pip install" in line for line in event["lines"]):
            installing.append(time.monotonic())

    sink = Fanout()
    sink.subscribe(watch)
    service = BuildService(project, events=sink)
    try:
        build = service.start(f"{_config_model(project)}@v1", "ada", base.tags[0])
        deadline = time.monotonic() + 120
        while not installing:
            assert time.monotonic() < deadline, service.log(build["id"])["lines"][-20:]
            time.sleep(0.05)  # polling the listener's record, not waiting blind
        row = BuildRecords(service.store).get(build["id"])
        assert row is not None
        cancelled = service.cancel(build["id"], "ada")
        # Cancelled mid-install, not after waiting for the build: still in its dependencies step.
        assert cancelled["status"] == "cancelled"
        assert cancelled["step"] == "dependencies"
        assert cancelled["error"]["code"] == "cancelled"
        service.wait(build["id"], timeout=10)
        with pytest.raises(ProcessLookupError):
            os.kill(row["worker_pid"], 0)
        # The engine stopped the build when its client went: no build container stays.
        deadline = time.monotonic() + 30
        while client.containers.list(filters={"ancestor": base.id}):
            assert time.monotonic() < deadline, "the engine kept building"
            time.sleep(0.2)
        assert cancelled["error"]["message"] == "cancelled by ada"
        assert all(step["duration_s"] is not None for step in cancelled["steps"])

        # Cancelled the moment it starts: still cancelled, never a failed build.
        at_once = service.start(f"{_config_model(project)}@v2", "ada", base.tags[0])
        assert service.cancel(at_once["id"], "ada")["status"] == "cancelled"
        assert service.wait(at_once["id"], timeout=10)["status"] == "cancelled"
    finally:
        _remove_with_descendants(client, base.id)


def _remove_with_descendants(client: Any, image_id: str) -> None:
    """The image and the layers a build left cached on top of it, children first."""
    children = [i["Id"] for i in client.api.images(all=True) if i.get("ParentId") == image_id]
    for child in children:
        _remove_with_descendants(client, child)
    # Removing the last child may have taken this untagged parent with it.
    with contextlib.suppress(docker.errors.ImageNotFound):
        client.images.remove(image_id, force=True)


def test_orphaned_builds_are_interrupted_and_finished_ones_are_not_cancelled(
    project: Path,
) -> None:
    service = BuildService(project)
    records = service.records
    dead = subprocess.Popen(["true"])
    dead.wait()
    records.insert(
        {
            "id": "b-00000000aa",
            "model": _config_model(project),
            "version": f"{_config_model(project)}@v1",
            "status": "running",
            "step": "smoke",
            "steps": [],
            "base_image": BASE,
            "created_at": "2026-11-23T07:00:00.000+00:00",
            "created_by": "ada",
            "started_at": "2026-11-23T07:00:00.500+00:00",
            "cancel_requested": False,
            "worker_pid": dead.pid,
            "worker_started": 1.0,
        }
    )
    left = project / ".jupyter_deploy" / "work-b-00000000aa-x1y2"  # a killed worker's scratch
    (left / "service").mkdir(parents=True)
    assert service.reconcile() == ["b-00000000aa"]
    assert not left.exists()
    build = service.get("b-00000000aa")
    assert build["status"] == "interrupted"
    assert build["error"]["code"] == "interrupted"
    assert "worker_pid" not in build
    with pytest.raises(Exception, match="has interrupted already"):
        service.cancel("b-00000000aa", "ada")


def test_the_command_line_builds_lists_and_reads_logs(project: Path) -> None:
    model = _config_model(project)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [JUPYTER, "deploy", *args, "--project", str(project)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    done = cli("build", f"{model}@v2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert f"{model}@v2: image {_tag(project, 'v2')}" in done.stdout
    assert "dependencies reused" in done.stdout
    assert "── smoke" in done.stderr
    assert "Step 1/" not in done.stderr
    listing = cli("builds", f"{model}@v2", "--json")
    builds = json.loads(listing.stdout)
    assert builds
    assert all(b["version"] == f"{model}@v2" for b in builds)
    log = cli("builds", "--log", builds[0]["id"])
    assert "── image" in log.stdout

    missing = cli("build", f"{model}@v99")
    assert missing.returncode == 2
    assert f"no version {model}@v99" in missing.stderr
    both = cli("builds", f"{model}@v1", "--log", builds[0]["id"])
    assert both.returncode == 2
    assert "not several" in both.stderr
    unknown = cli("builds", "--log", "b-ffffffffff")
    assert unknown.returncode == 2
    assert "no build" in unknown.stderr
