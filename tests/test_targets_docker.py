"""The docker target against the real engine: a replica of a real image starts, answers on a
loopback port that survives its restart, comes back when its process is killed, is found again
by its labels, reports a model that fails to load with the model's own log lines, reads its
secrets from files that never show in `docker inspect`, and stops cleanly."""

import dataclasses
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from image_fixtures import build_example_image, example_source, remove_image

from jupyter_deploy.runtime.keys import digest
from jupyter_deploy.targets.base import ReplicaFailed, ReplicaSpec
from jupyter_deploy.targets.docker import DockerTarget

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
KEY = "k-" + os.urandom(8).hex()
SECRET = "s-" + os.urandom(8).hex()
SECRET_FILE = "/run/jupyter-deploy/secrets/IRIS_TOKEN"
NEEDS_SECRET = example_source().replace(
    "def load() -> None:\n",
    "def load() -> None:\n"
    "    if os.environ.get('IRIS_TOKEN') != " + repr(SECRET) + ":\n"
    "        raise RuntimeError('IRIS_TOKEN is missing or wrong')\n",
)


@pytest.fixture(scope="module")
def image(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tag = build_example_image(client, tmp_path_factory, NEEDS_SECRET, name="target")
    yield tag
    remove_image(client, tag)


@pytest.fixture
def target(client: Any) -> Iterator[DockerTarget]:
    target = DockerTarget(client)
    yield target
    for replica in target.replicas("test-dep", "test-project"):
        target.stop(replica, grace_s=1)


def _spec(image: str, tmp_path: Path, secret: str | None) -> ReplicaSpec:
    keys = tmp_path / "keys"
    keys.write_text(digest(KEY) + "\n")
    return ReplicaSpec(
        deployment="test-dep",
        project_key="test-project",
        version="iris-classifier@v1",
        artifact=image,
        workers=1,
        api_keys_file=keys,
        memory="512Mi",
        secrets={"IRIS_TOKEN": secret} if secret is not None else {},
    )


def _predict(address: str) -> httpx.Response:
    return httpx.post(
        f"http://{address}/predict", json=FLOWER, headers={"Authorization": f"Bearer {KEY}"}
    )


def test_a_replica_serves_survives_a_kill_and_is_found_again(
    client: Any, target: DockerTarget, image: str, tmp_path: Path
) -> None:
    replica = target.wait_ready(target.start(_spec(image, tmp_path, SECRET)), timeout_s=60)
    assert replica.state in ("starting", "ready")
    assert _predict(replica.address).json()["species"] == "setosa"
    inspected = json.dumps(client.api.inspect_container(replica.id))
    assert SECRET not in inspected
    assert KEY not in inspected
    # A file of the container's own, readable by the model's user alone (no host file).
    listing = client.containers.get(replica.id).exec_run(
        ["stat", "-c", "%u %a %n", "/run/jupyter-deploy/secrets", SECRET_FILE], user="root"
    )
    assert listing.output.decode().split("\n")[:2] == [
        "10001 500 /run/jupyter-deploy/secrets",
        f"10001 400 {SECRET_FILE}",
    ]

    [found] = target.replicas("test-dep", "test-project")
    assert (found.id, found.address, found.version) == (
        replica.id,
        replica.address,
        replica.version,
    )
    assert target.replicas("other-dep", "test-project") == []

    # The model server's process dies: the engine restarts it on the same address.
    pid = client.api.inspect_container(replica.id)["State"]["Pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if _predict(replica.address).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the replica did not come back"
        time.sleep(0.1)  # polling the restarted replica, bounded by the deadline
    [again] = target.replicas("test-dep", "test-project")
    assert again.restarts >= 1
    assert again.address == replica.address
    assert any("ready" in line or "Uvicorn" in line for line in target.logs(again, tail=50))

    target.stop(again, grace_s=5)
    assert target.replicas("test-dep", "test-project") == []


def test_a_model_that_fails_to_load_is_reported_with_its_log(
    target: DockerTarget, image: str, tmp_path: Path
) -> None:
    replica = target.start(_spec(image, tmp_path, secret=None))
    with pytest.raises(ReplicaFailed) as failed:
        target.wait_ready(replica, timeout_s=60)
    assert "stopped" in failed.value.message
    assert any("IRIS_TOKEN is missing or wrong" in line for line in failed.value.log)


def test_garbage_is_only_untagged_version_images_no_container_uses(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import docker

    from jupyter_deploy.deployments import images

    monkeypatch.setattr(images, "GARBAGE_AGE_S", 0.0)

    def image(nonce: str) -> Any:
        dockerfile = f'FROM python:3.11-slim\nLABEL io.jupyter-deploy.tag="gc@v1" nonce="{nonce}"\n'
        built, _ = client.images.build(fileobj=io.BytesIO(dockerfile.encode()), rm=True)
        return built

    untagged, in_use, tagged = image("a"), image("b"), image("c")
    tagged.tag("jupyter-deploy-test/gc", "v1")
    user = client.containers.create(in_use.id, ["true"])
    try:
        removed = images.collect_garbage(client)
        assert any(untagged.short_id in line for line in removed)
        with pytest.raises(docker.errors.ImageNotFound):
            client.images.get(untagged.id)
        client.images.get(in_use.id)
        client.images.get(tagged.id)
    finally:
        user.remove(force=True)
        client.images.remove(in_use.id, force=True)
        client.images.remove(tagged.id, force=True)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory, client: Any) -> Iterator[list[Path]]:
    """Two projects whose models have the same name, each with its own v1."""
    from conftest import copy_example
    from version_fixtures import init_repository, new_version

    model = f"iris-twin-{os.urandom(3).hex()}"
    projects = []
    for name in ("a", "b"):
        project = copy_example(tmp_path_factory.mktemp(f"twin-{name}") / "iris")
        config = project / "jupyter-deploy.yaml"
        config.write_text(config.read_text().replace("model: iris-classifier", f"model: {model}"))
        init_repository(project)
        new_version(project, n_estimators=5 if name == "a" else 7)
        projects.append(project)
    yield projects
    for image in client.images.list(filters={"label": f"org.opencontainers.image.title={model}"}):
        client.images.remove(image.id, force=True)


def test_projects_with_a_model_of_the_same_name_keep_their_own_images(
    client: Any, twins: list[Path], tmp_path: Path
) -> None:
    from jupyter_deploy.builds.records import BuildRecords
    from jupyter_deploy.builds.service import BuildService
    from jupyter_deploy.deployments.images import ImageArtifacts
    from jupyter_deploy.store import open_store
    from jupyter_deploy.versions import Versions

    target = DockerTarget(client)
    stores = [open_store(project) for project in twins]
    try:
        said: list[list[str]] = [[], []]
        images = [
            ImageArtifacts(store, BuildService(project, store), client)
            for project, store in zip(twins, stores, strict=True)
        ]

        def prepare() -> list[str]:
            return [
                artifacts.prepare(version, "ada", lambda _, m, i=i: said[i].append(m))
                for i, (artifacts, version) in enumerate(zip(images, versions, strict=True))
            ]

        versions = [Versions(p, s).show("v1") for p, s in zip(twins, stores, strict=True)]
        assert versions[0]["tag"] == versions[1]["tag"]  # same model, same number
        first = prepare()
        builds = [BuildRecords(store).find(None, 10) for store in stores]
        assert [len(b) for b in builds] == [1, 1]
        tags = [b[0]["image"]["tag"] for b in builds]
        assert tags[0] != tags[1]
        assert first == [b[0]["image"]["id"] for b in builds]  # ids, never a tag
        assert all(image.startswith("sha256:") for image in first)
        assert first[0] != first[1]
        for tag, image in zip(tags, first, strict=True):
            assert client.images.get(tag).id == image

        # Each project finds its own image again: neither rebuilds the other's.
        for heard in said:
            heard.clear()
        again = prepare()
        assert again == first
        assert said == [[], []]
        assert [len(BuildRecords(store).find(None, 10)) for store in stores] == [1, 1]
    finally:
        for store in stores:
            store.close()

    # A replica runs the exact image its version's build made, even once the tag moves.
    spec = dataclasses.replace(_spec(first[0], tmp_path, None), secrets={})
    replica = target.start(spec)
    try:
        client.api.tag(first[1], tags[0].rpartition(":")[0], tags[0].rpartition(":")[2])
        attrs = client.api.inspect_container(replica.id)
        assert attrs["Image"] == first[0]
        assert attrs["Config"]["Image"] == first[0]
    finally:
        target.stop(replica, grace_s=1)
