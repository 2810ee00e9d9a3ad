"""docs/openapi.yaml describes exactly the routes the server registers, with their resources."""

import re
from pathlib import Path

import yaml

from jupyter_deploy.server.build_handlers import build_handlers
from jupyter_deploy.server.deployment_handlers import deployment_handlers
from jupyter_deploy.server.handlers import handlers
from jupyter_deploy.server.run_handlers import run_handlers
from jupyter_deploy.server.version_handlers import version_handlers

SPEC = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml").read_text()
)


def test_every_registered_route_is_documented_with_its_resource() -> None:
    documented = SPEC["paths"]
    for pattern, handler in [
        *handlers(),
        *run_handlers(),
        *version_handlers(),
        *build_handlers(),
        *deployment_handlers(),
    ]:
        matches = [p for p in documented if re.fullmatch(pattern, _example(p))]
        assert matches, f"{pattern} is not in docs/openapi.yaml"
        for path in matches:
            for method, operation in documented[path].items():
                assert hasattr(handler, method), (
                    f"{method.upper()} {path} is documented but not served"
                )
                assert operation["x-resource"] == handler.auth_resource


def test_every_documented_path_is_served() -> None:
    patterns = [
        p
        for p, _ in [
            *handlers(),
            *run_handlers(),
            *version_handlers(),
            *build_handlers(),
            *deployment_handlers(),
        ]
    ]
    for path in SPEC["paths"]:
        assert any(re.fullmatch(p, _example(path)) for p in patterns), f"{path} is not served"


def _example(path: str) -> str:
    return (
        path.replace("{run_id}", "r-0123456789")
        .replace("{version}", "iris-classifier@v1")
        .replace("{build_id}", "b-0123456789")
        .replace("{name}", "churn")
    )


def test_every_reference_resolves() -> None:
    text = yaml.safe_dump(SPEC)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in SPEC["components"][ref[0]], f"dangling $ref {ref}"
