"""The REST layer in a real Jupyter Server (pytest-jupyter)."""

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import copy_example
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

ROUTES = ["jupyter-deploy/version", "jupyter-deploy/doctor"]

# Every route of the extension: (method, path, resource, action).
ALL_ROUTES = [
    ("GET", "jupyter-deploy/version", "jupyter_deploy:meta", "read"),
    ("GET", "jupyter-deploy/doctor", "jupyter_deploy:doctor", "read"),
    ("GET", "jupyter-deploy/project", "jupyter_deploy:doctor", "read"),
    ("GET", "jupyter-deploy/parameters?path=iris/train.ipynb", "jupyter_deploy:runs", "read"),
    ("GET", "jupyter-deploy/runs?project=iris", "jupyter_deploy:runs", "read"),
    ("POST", "jupyter-deploy/runs", "jupyter_deploy:runs", "write"),
    ("POST", "jupyter-deploy/sweeps", "jupyter_deploy:runs", "write"),
    ("GET", "jupyter-deploy/runs/r-0123456789?project=iris", "jupyter_deploy:runs", "read"),
    (
        "POST",
        "jupyter-deploy/runs/r-0123456789/cancel?project=iris",
        "jupyter_deploy:runs",
        "write",
    ),
    ("POST", "jupyter-deploy/runs/r-0123456789/rerun?project=iris", "jupyter_deploy:runs", "write"),
    ("GET", "jupyter-deploy/versions?project=iris", "jupyter_deploy:versions", "read"),
    ("POST", "jupyter-deploy/versions", "jupyter_deploy:versions", "write"),
    (
        "GET",
        "jupyter-deploy/versions/iris-classifier@v1?project=iris",
        "jupyter_deploy:versions",
        "read",
    ),
    (
        "GET",
        "jupyter-deploy/versions/diff?project=iris&old=iris-classifier@v1&new=iris-classifier@v2",
        "jupyter_deploy:versions",
        "read",
    ),
    (
        "GET",
        "jupyter-deploy/versions/iris-classifier@v1/restore?project=iris",
        "jupyter_deploy:versions",
        "read",
    ),
    (
        "POST",
        "jupyter-deploy/versions/iris-classifier@v1/restore",
        "jupyter_deploy:versions",
        "write",
    ),
    (
        "POST",
        "jupyter-deploy/versions/iris-classifier@v1/notebook",
        "jupyter_deploy:versions",
        "write",
    ),
    ("GET", "jupyter-deploy/stages?project=iris", "jupyter_deploy:versions", "read"),
    ("POST", "jupyter-deploy/stages", "jupyter_deploy:versions", "write"),
    ("GET", "jupyter-deploy/no-such-thing", "jupyter_deploy:meta", "read"),
]


class DenyDeployAuthorizer(Authorizer):  # type: ignore[misc]
    """Lets a signed-in user use Jupyter but nothing of jupyter_deploy; remembers what was asked."""

    asked: ClassVar[list[tuple[str, str]]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        self.asked.append((action, resource))
        return not resource.startswith("jupyter_deploy")


@pytest.fixture
def project(jp_root_dir: Path) -> Path:
    return copy_example(jp_root_dir / "iris")


async def fetch_json(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    response = await jp_fetch(*parts, raise_error=False, **kwargs)
    body = response.body.decode()
    assert "Traceback" not in body
    return response.code, json.loads(body)


async def test_version_handshake(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "jupyter-deploy", "version")
    assert code == 200
    assert body == {"name": "jupyter_deploy", "version": "0.1.0", "api_version": 1}


async def test_doctor_finds_the_project_from_a_subfolder(jp_fetch: Any, project: Path) -> None:
    (project / "data").mkdir()
    code, body = await fetch_json(
        jp_fetch, "jupyter-deploy", "doctor", params={"path": "iris/data"}
    )
    assert code == 200
    assert body["project"]["path"] == "iris"
    assert body["project"]["valid"] is True
    assert body["target"]["name"] in ("docker", "local")
    assert [c["id"] for c in body["checks"]][:3] == ["product", "python", "jupyterlab"]


async def test_doctor_on_a_file_path_uses_its_folder(jp_fetch: Any, project: Path) -> None:
    code, body = await fetch_json(
        jp_fetch, "jupyter-deploy", "doctor", params={"path": "iris/train.ipynb"}
    )
    assert code == 200
    assert body["project"]["path"] == "iris"


async def test_project_lookup_names_the_project_holding_a_folder(
    jp_fetch: Any, project: Path
) -> None:
    (project / "data").mkdir()
    for path, expected in [("iris/data", "iris"), ("iris/train.ipynb", "iris"), ("", None)]:
        code, body = await fetch_json(jp_fetch, "jupyter-deploy", "project", params={"path": path})
        assert (code, body) == (200, {"path": path, "project": expected})
    for path, status in [("../..", 403), ("iris/nope", 404)]:
        code, body = await fetch_json(jp_fetch, "jupyter-deploy", "project", params={"path": path})
        assert code == status, body


async def test_doctor_at_root_without_project_is_an_empty_state(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "jupyter-deploy", "doctor")
    assert code == 200
    assert body["project"]["path"] is None


@pytest.mark.parametrize(
    ("path", "status", "code", "fragment"),
    [
        ("../..", 403, "forbidden", "outside the Jupyter root"),
        ("/etc", 400, "invalid_input", "must be relative to the Jupyter root"),
        ("iris/nope", 404, "not_found", "path: no such file or folder"),
    ],
)
async def test_doctor_refuses_bad_paths(
    jp_fetch: Any, project: Path, path: str, status: int, code: str, fragment: str
) -> None:
    got, body = await fetch_json(jp_fetch, "jupyter-deploy", "doctor", params={"path": path})
    assert got == status
    assert body["error"]["code"] == code
    assert fragment in body["error"]["message"]


@pytest.mark.parametrize("route", ROUTES)
async def test_api_version_mismatch_is_a_409_that_says_what_to_do(
    jp_fetch: Any, route: str
) -> None:
    code, body = await fetch_json(jp_fetch, route, headers={"X-Jupyter-Deploy-Api": "99"})
    assert code == 409
    assert body["error"]["code"] == "conflict"
    assert "API v99" in body["error"]["message"]
    assert "reinstall jupyter_deploy" in body["error"]["message"]


@pytest.mark.parametrize("route", ROUTES)
async def test_matching_api_version_is_accepted(jp_fetch: Any, route: str) -> None:
    code, _ = await fetch_json(jp_fetch, route, headers={"X-Jupyter-Deploy-Api": "1"})
    assert code == 200


@pytest.mark.parametrize(("method", "route", "resource", "action"), ALL_ROUTES)
async def test_every_route_is_403_without_credentials(
    http_server_client: Any, jp_base_url: str, method: str, route: str, resource: str, action: str
) -> None:
    body = "{}" if method == "POST" else None
    with pytest.raises(HTTPClientError) as caught:
        await http_server_client.fetch(
            jp_base_url + route, method=method, body=body, headers={"X-Jupyter-Deploy-Api": "99"}
        )
    assert caught.value.code == 403


@pytest.mark.parametrize("route", ROUTES)
async def test_unknown_methods_are_405(jp_fetch: Any, route: str) -> None:
    code, _ = await fetch_json(jp_fetch, route, method="POST", body="{}")
    assert code == 405


class TestUnauthorized:
    @pytest.fixture
    def jp_server_config(self, jp_server_config: Any) -> Any:
        jp_server_config["ServerApp"]["authorizer_class"] = DenyDeployAuthorizer
        return jp_server_config

    @pytest.mark.parametrize(("method", "route", "resource", "action"), ALL_ROUTES)
    async def test_every_route_is_403_without_permission(
        self, jp_fetch: Any, method: str, route: str, resource: str, action: str
    ) -> None:
        DenyDeployAuthorizer.asked.clear()
        path, _, query = route.partition("?")
        params = dict(p.split("=") for p in query.split("&")) if query else None
        body = "{}" if method == "POST" else None
        code, _ = await fetch_json(jp_fetch, path, method=method, body=body, params=params)
        assert code == 403
        assert (action, resource) in DenyDeployAuthorizer.asked

    async def test_the_rest_of_jupyter_still_works(self, jp_fetch: Any) -> None:
        response = await jp_fetch("api", "status")
        assert response.code == 200
