"""Who is recorded as having done something: runs, versions, stages, the version's git commit and
tags, and the doctor report, through a real Jupyter Server and the real command line, in real git
repositories. Jupyter's made-up anonymous user never signs anything; a named user always does."""

import json
import logging
import os
import pwd
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import call, deploy
from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider, User
from runs_fixtures import make_project

from jupyter_deploy.identity import Identity, resolve
from jupyter_deploy.server.identity import is_generated, named_user

ADA = Identity("Ada Lovelace", "ada@example.org", "git_config")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(autouse=True)
def no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody is configured: not this machine's global or system git config, not the
    environment. Each test says which identity exists."""
    empty = tmp_path / "empty-gitconfig"
    empty.touch()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    monkeypatch.setenv("JUPYTER_DEPLOY_DATA_DIR", str(tmp_path / "data"))


def committed_project(root: Path) -> Path:
    """The edge-case project as a git repository with one commit and no configured identity."""
    project = make_project(root)
    (project / ".gitignore").write_text("/.jupyter_deploy/\n/deploy-runs/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "project")
    return project


def configure(project: Path, who: Identity) -> None:
    git(project, "config", "user.name", who.name)
    git(project, "config", "user.email", who.email)


def os_user() -> Identity:
    user = pwd.getpwuid(os.getuid()).pw_name
    return Identity(user, f"{user}@{socket.gethostname()}", "os_user")


async def recorded(jp_fetch: Any, jp_serverapp: Any, project: Path) -> dict[str, Any]:
    """Run, promote and stage through the REST API; who each record (and git) names."""
    code, run = await call(
        jp_fetch,
        "jupyter-deploy",
        "runs",
        body={"notebook": "proj/write.ipynb", "parameters": {"value": 1}},
    )
    assert code == 201, run
    service = await jp_serverapp.web_app.settings["jupyter_deploy_projects"].runs(project.resolve())
    await service.wait([run["id"]])
    assert service.get(run["id"])["status"] == "succeeded"
    code, version = await call(
        jp_fetch, "jupyter-deploy", "versions", body={"project": "proj", "run_id": run["id"]}
    )
    assert code == 201, version
    code, stage = await call(
        jp_fetch,
        "jupyter-deploy",
        "stages",
        body={"project": "proj", "version": version["tag"], "stage": "production"},
    )
    assert code == 201, stage
    code, doctor = await call(jp_fetch, "jupyter-deploy", "doctor", params={"path": "proj"})
    assert code == 200, doctor
    tag = version["tag"]
    return {
        "run": run["created_by"],
        "version": version["author"],
        "stage": stage["author"],
        "commit": git(project, "log", "-1", "--format=%an <%ae>|%cn <%ce>", f"{tag}^{{commit}}"),
        "taggers": {
            git(project, "for-each-ref", "--format=%(taggername) %(taggeremail)", f"refs/tags/{t}")
            for t in git(project, "tag", "--list").split()
        },
        "doctor": doctor["identity"],
    }


def signed_by(found: dict[str, Any], who: Identity) -> None:
    assert found["run"] == who.name
    assert found["version"] == found["stage"] == {"name": who.name, "email": who.email}
    assert found["commit"] == f"{who.name} <{who.email}>|{who.name} <{who.email}>"
    assert found["taggers"] == {f"{who.name} <{who.email}>"}
    assert found["doctor"] == {"name": who.name, "email": who.email, "source": who.source}


async def test_the_projects_git_config_signs_for_an_anonymous_jupyter_user(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    project = committed_project(jp_root_dir / "proj")
    configure(project, ADA)
    signed_by(await recorded(jp_fetch, jp_serverapp, project), ADA)


async def test_git_author_variables_win_over_git_config(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = committed_project(jp_root_dir / "proj")
    configure(project, ADA)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Grace Hopper")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "grace@example.org")
    grace = Identity("Grace Hopper", "grace@example.org", "git_env")
    signed_by(await recorded(jp_fetch, jp_serverapp, project), grace)


async def test_without_any_git_identity_the_os_user_signs(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    project = committed_project(jp_root_dir / "proj")
    signed_by(await recorded(jp_fetch, jp_serverapp, project), os_user())


class NamedUserProvider(PasswordIdentityProvider):
    """A deployment's own sign-in (as JupyterHub's provider is): every request is Ada's."""

    async def get_user(self, handler: Any) -> User | None:  # type: ignore[override]
        user = await super().get_user(handler)  # type: ignore[misc]
        return User("alovelace", name="Ada Lovelace") if user is not None else None


class TestANamedJupyterUser:
    @pytest.fixture
    def jp_server_config(self, jp_server_config: Any) -> Any:
        jp_server_config["ServerApp"]["identity_provider_class"] = NamedUserProvider
        return jp_server_config

    async def test_a_named_jupyter_user_wins_over_git(
        self, jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
    ) -> None:
        project = committed_project(jp_root_dir / "proj")
        configure(project, Identity("Someone Else", "else@example.org"))
        ada = Identity("Ada Lovelace", f"alovelace@{socket.gethostname()}", "jupyter")
        signed_by(await recorded(jp_fetch, jp_serverapp, project), ada)


class _Handler:
    """What `generate_anonymous_user` needs of a request handler: a logger."""

    log = logging.getLogger(__name__)


@pytest.mark.parametrize("provider_class", [IdentityProvider, PasswordIdentityProvider])
def test_only_a_made_up_unrenamed_user_counts_as_nobody(provider_class: type) -> None:
    provider = provider_class()
    made_up = provider.generate_anonymous_user(_Handler())
    assert is_generated(provider, made_up)
    assert named_user(provider, made_up) is None

    # Renamed through Jupyter's PATCH /api/me: the user told us who they are.
    renamed = User(made_up.username, name="Ada Lovelace", display_name="Ada Lovelace")
    assert named_user(provider, renamed) == Identity(
        "Ada Lovelace", f"{made_up.username}@{socket.gethostname()}", "jupyter"
    )
    # A real account whose name merely looks like a made-up one.
    lookalike = User("io", name=made_up.name)
    assert not is_generated(provider, lookalike)

    class Custom(provider_class):  # type: ignore[misc, valid-type]
        def generate_anonymous_user(self, handler: Any) -> User:
            return User("guest", name="Guest")

    # A provider with its own idea of anonymous users (as JupyterHub's) names its users.
    assert not is_generated(Custom(), made_up)


def test_the_command_line_records_the_same_identity(tmp_path: Path) -> None:
    project = committed_project(tmp_path / "proj")
    assert resolve(project) == os_user()
    configure(project, ADA)
    assert resolve(project) == ADA

    done = deploy("run", "write.ipynb", "-p", "value", "2", "--json", cwd=project)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["created_by"] == ADA.name
    created = deploy("version", "create", run["id"], "--json", cwd=project)
    assert created.returncode == 0, created.stderr
    tag = json.loads(created.stdout)["tag"]
    assert git(project, "log", "-1", "--format=%an <%ae>|%cn <%ce>", f"{tag}^{{commit}}") == (
        "Ada Lovelace <ada@example.org>|Ada Lovelace <ada@example.org>"
    )
    doctor = deploy("doctor", "--project", str(project), cwd=project).stdout
    assert "Recorded as: Ada Lovelace <ada@example.org> (from git config)." in doctor
