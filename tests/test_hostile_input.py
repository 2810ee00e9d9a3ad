"""Hostile and odd input at both edges, as a table: every class of bad value, in every field
that can carry it, gets a 4xx naming the field (REST) or exit 2 naming the argument (CLI); the
value is never echoed, nothing is written, and nothing answers 500 or prints a traceback.

A new route or field is covered by adding a row to TARGETS (REST) or CLI_ROWS (CLI)."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from runs_fixtures import make_project

from jupyter_deploy.cli import main

PROJECT = "proj"
DIGITS_4301 = "9" * 4301
# Hostile values by class. `raw` values are JSON text put into a body as is (not a string).
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400"]
HUGE_INTS = [str(10**20), str(2**64), DIGITS_4301]
LONG_NAME = "a" * 256
LONG_PATH = "a/" * 2048 + "b"  # 4097 bytes, every component short
SURROGATE = "\ud800"
SHELL = ["; rm -rf /", "../..", "a\0b"]
QUERY_NUMBERS = ["²", "9" * 30, "-1", "1e3", ""]


@dataclass(frozen=True)
class Target:
    """A field of a route; `kind` picks the hostile classes that apply to it."""

    method: str
    route: str  # may hold {field} for a URL path argument
    field: str
    kind: str  # number | count | flag | json | text | path | version | query_count
    where: str = "body"  # body | query | path
    base: dict[str, Any] = field(default_factory=dict)


def _version(number: str) -> str:
    return f"edge-cases@v{number}"


_NB = {"notebook": f"{PROJECT}/write.ipynb"}
_P = {"project": PROJECT}
_RUN = "r-0123456789"
_BUILD = "b-0123456789"

TARGETS = [
    Target("POST", "runs", "time_limit", "number", base=_NB),
    Target("POST", "runs", "cell_timeout", "number", base=_NB),
    Target("POST", "runs", "notebook", "path"),
    Target("POST", "runs", "parameters", "json", base=_NB),
    Target("POST", "sweeps", "concurrency", "count", base={**_NB, "parameters": {"value": [1]}}),
    Target("POST", "sweeps", "time_limit", "number", base={**_NB, "parameters": {"value": [1]}}),
    Target("POST", "sweeps", "mode", "text", base={**_NB, "parameters": {"value": [1]}}),
    Target("GET", "runs", "project", "path", where="query"),
    Target("GET", "runs", "status", "text", where="query", base=_P),
    Target("GET", "parameters", "path", "path", where="query"),
    Target("GET", "doctor", "path", "path", where="query"),
    Target("GET", "project", "path", "path", where="query"),
    Target("GET", "runs/{run_id}", "run_id", "text", where="path", base=_P),
    Target("POST", "runs/r-0123456789/cancel", "project", "path", where="query"),
    Target("GET", "versions", "project", "path", where="query"),
    Target("POST", "versions", "run_id", "text", base=_P),
    Target("POST", "versions", "project", "path", base={"run_id": _RUN}),
    Target("POST", "versions", "copy", "flag", base={**_P, "run_id": _RUN}),
    Target("POST", "runs/{run_id}/rerun?project=proj", "run_id", "text", where="path"),
    Target("POST", "versions/{version}/notebook", "version", "version", where="path", base=_P),
    Target("GET", "stages", "project", "path", where="query"),
    Target("GET", "versions/{version}", "version", "version", where="path", base=_P),
    Target("GET", "versions/{version}/restore", "version", "version", where="path", base=_P),
    Target("POST", "versions/{version}/restore", "version", "version", where="path", base=_P),
    Target("GET", "versions/diff", "old", "version", where="query", base={**_P, "new": "x@v1"}),
    Target("POST", "stages", "version", "version", base={**_P, "stage": "production"}),
    Target("POST", "stages", "stage", "text", base={**_P, "version": _version("1")}),
    Target("GET", "builds", "limit", "query_count", where="query", base=_P),
    Target("GET", "builds", "version", "version", where="query", base=_P),
    Target("POST", "builds", "version", "version", base=_P),
    Target("POST", "builds", "base_image", "text", base={**_P, "version": _version("1")}),
    Target("GET", "builds/{build_id}", "build_id", "text", where="path", base=_P),
    Target("GET", f"builds/{_BUILD}/log", "offset", "query_count", where="query", base=_P),
    Target("POST", f"builds/{_BUILD}/cancel", "project", "path"),
    Target("GET", "deployments", "project", "path", where="query"),
    Target("POST", "deployments", "version", "version", base=_P),
    Target("POST", "deployments", "replicas", "count", base={**_P, "version": _version("1")}),
    Target("POST", "deployments", "max_batch", "count", base={**_P, "version": _version("1")}),
    Target("POST", "deployments", "name", "text", base={**_P, "version": _version("1")}),
    Target("GET", "deployments/{name}", "name", "text", where="path", base=_P),
    Target("GET", "deployments/churn/logs", "tail", "query_count", where="query", base=_P),
    Target("POST", "deployments/churn/down", "project", "path"),
    Target("POST", "deployments/{name}/rollback", "name", "text", where="path", base=_P),
    Target("GET", "deployments/{name}/metrics", "name", "text", where="path", base=_P),
]


@dataclass(frozen=True)
class Hostile:
    value: str
    raw: bool  # JSON text, not a string
    status: int
    echo: str  # what must not appear in the answer
    # The field the message names, when not the target's: nesting too deep to parse at all
    # is the body's fault, whichever field it is in.
    named: str | None = None
    # Refused by the core once the project is open (its state store may be created then).
    opens_project: bool = False


def _status(target: Target, value: str) -> int:
    """Odd characters are malformed in names and ids. In a path they may name a file: a path
    outside the root is forbidden, one that names nothing is not found, and a NUL is malformed
    (in a query string Tornado turns it into a space first, which then names nothing)."""
    if target.kind != "path":
        return 400
    if value == "../..":
        return 403
    return 400 if value == "a\0b" and target.where == "body" else 404


def _hostile(target: Target) -> list[tuple[str, Hostile]]:
    """(class, value) pairs that apply to a target's kind and place."""
    in_body = target.where == "body"
    cases: list[tuple[str, Hostile]] = []
    if target.kind in ("number", "count") and in_body:
        cases += [("non-finite", Hostile(v, True, 400, v)) for v in NON_FINITE]
        cases += [("huge int", Hostile(v, True, 400, v[:30])) for v in HUGE_INTS]
        deep = "[" * 100_000 + "]" * 100_000
        cases += [("deep nesting", Hostile(deep, True, 400, "[[[", "request body"))]
    if target.kind == "json":
        deep = "[" * 100_000 + "]" * 100_000
        cases += [("deep nesting", Hostile(deep, True, 400, "[[[", "request body"))]
        shallow = "[" * 100 + "]" * 100  # parses, then refused by depth
        cases += [("deep nesting", Hostile(shallow, True, 400, "[[["))]
        cases += [("non-finite", Hostile(f'{{"value": {v}}}', True, 400, v)) for v in NON_FINITE]
        cases += [("surrogate", Hostile('{"value": "\\ud800"}', True, 400, "ud800"))]
        cases += [("huge int", Hostile(f'{{"value": {DIGITS_4301}}}', True, 400, "9" * 30))]
        markup = '{"value": "<b>x</b>"}'  # the core's type check names the parameter
        cases += [("wrong type", Hostile(markup, True, 400, "<b>x</b>", "value", True))]
    if target.kind == "flag":
        cases += [("not a boolean", Hostile(v, True, 400, "")) for v in ['"yes"', "1", "NaN"]]
    if target.kind == "query_count":
        cases += [("query number", Hostile(v, False, 400, v or "")) for v in QUERY_NUMBERS]
    if target.kind == "version":
        cases += [("huge version number", Hostile(_version(DIGITS_4301), False, 400, "9" * 30))]
    if target.kind in ("text", "path", "version"):
        cases += [("surrogate", Hostile(SURROGATE, False, 400, "ud800"))]
        cases += [("long name", Hostile(LONG_NAME, False, 400, LONG_NAME))]
        for value in SHELL:
            cases += [
                ("shell/path characters", Hostile(value, False, _status(target, value), value))
            ]
    if target.kind == "path":
        cases += [("long path", Hostile(LONG_PATH, False, 400, LONG_PATH[:60]))]
    if in_body:
        cases += [("body deep nesting", Hostile("", True, 400, "[[[", "request body"))]
    return cases


ROWS = [pytest.param(t, id=f"{t.method} {t.route} {t.field}") for t in TARGETS]


@pytest.fixture
def project(jp_root_dir: Path) -> Path:
    return make_project(jp_root_dir / PROJECT)


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def _quote(text: str) -> str:
    """Percent-encoding that also carries a lone surrogate (as the invalid UTF-8 it becomes)."""
    from urllib.parse import quote

    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _request(target: Target, hostile: Hostile) -> tuple[str, str | None]:
    """(URL below the base URL, body) of a target's request carrying a hostile value. A GET
    takes `base` as its query; a POST as its body (its query only when the field is there)."""
    route, query, body = target.route, {}, None
    sent = dict(target.base)
    if target.where == "path":
        route = route.replace("{" + target.field + "}", _quote(hostile.value))
    elif target.where == "query" or hostile.raw:
        sent[target.field] = hostile.value
    else:
        sent[target.field] = "__HOSTILE__"
    if target.method == "GET" or target.where == "query":
        query = sent
    if target.method == "POST":
        payload = {} if target.where == "query" else sent
        body = json.dumps(payload)
        if hostile.value == "" and hostile.raw:  # the whole body nested
            body = "[" * 100_000 + "]" * 100_000
        elif target.where == "body":
            value = hostile.value if hostile.raw else json.dumps(hostile.value)
            body = json.dumps({**payload, target.field: "__HOSTILE__"})
            body = body.replace('"__HOSTILE__"', value)
    url = "jupyter-deploy/" + route
    if query:
        url += "?" + "&".join(f"{k}={_quote(str(v))}" for k, v in query.items())
    return url, body


def _refusal_problems(target: Target, hostile: Hostile, code: int, text: str) -> list[str]:
    if code != hostile.status:
        return [f"status {code}, expected {hostile.status}: {text[:200]}"]
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return [f"not a JSON error body: {text[:200]}"]
    problems = []
    named = hostile.named or target.field
    message = error.get("message", "")
    if not message.startswith(f"{named}:"):
        problems.append(f"message does not name {named}: {message[:200]}")
    if hostile.echo and (hostile.echo in text or hostile.echo in message):
        problems.append(f"the value is echoed: {message[:200]}")
    if "\\ud800" in text or "\\u0000" in text:
        problems.append(f"a surrogate or NUL is echoed: {message[:200]}")
    return problems


@pytest.mark.parametrize("target", ROWS)
async def test_rest_refuses_hostile_input_naming_the_field(
    http_server_client: Any,
    jp_auth_header: dict[str, str],
    jp_base_url: str,
    project: Path,
    target: Target,
) -> None:
    failures = []
    for cls, hostile in _hostile(target):
        before = _tree(project.parent)
        url, body = _request(target, hostile)
        response = await http_server_client.fetch(
            jp_base_url + url,
            method=target.method,
            body=body,
            headers=jp_auth_header,
            raise_error=False,
        )
        text = response.body.decode()
        problems = _refusal_problems(target, hostile, response.code, text)
        after = _tree(project.parent)
        if hostile.opens_project:
            after = {p for p in after if not p.startswith(f"{PROJECT}/.jupyter_deploy")}
        if after != before:
            problems.append("a refused request wrote to disk")
        failures += [f"{cls} {hostile.value[:20]!r}: {p}" for p in problems]
    assert not failures, "\n".join(failures)


def _reject(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


async def test_listing_survives_non_finite_values_already_stored(
    jp_fetch: Any, project: Path
) -> None:
    """Rows written before non-finite numbers were refused still list, as valid JSON."""
    from jupyter_deploy.runs import Limits, RunService

    service = RunService(project)
    try:
        run = await service.start_run("write.ipynb", {"value": 1}, user="test", limits=Limits())
        await service.wait([run["id"]])
        service.records.update(run["id"], time_limit=float("inf"), cell_timeout=float("nan"))
    finally:
        await service.close()
    response = await jp_fetch("jupyter-deploy", "runs", params={"project": PROJECT})
    listing = json.loads(response.body.decode(), parse_constant=_reject)
    stored = next(r for r in listing["runs"] if r["id"] == run["id"])
    assert stored["time_limit"] is None
    assert stored["cell_timeout"] is None


# The CLI: (argv, the argument the message names). Every row exits 2 without a traceback.
CLI_ROWS: list[tuple[list[str], str]] = [
    *[(["run", "write.ipynb", "--time-limit", v], "--time-limit") for v in NON_FINITE],
    *[(["run", "write.ipynb", "--cell-timeout", v], "--cell-timeout") for v in NON_FINITE],
    (["run", "write.ipynb", "--time-limit", str(10**20)], "--time-limit"),
    *[
        (["sweep", "write.ipynb", "-p", "value", "1", "--concurrency", v], "--concurrency")
        for v in [str(10**20), str(2**64), "²", "9" * 30]
    ],
    (["run", "write.ipynb", "-p", "value", "NaN"], "value"),
    (["run", "write.ipynb", "-p", "value", "[" * 100_000 + "]" * 100_000], "value"),
    (["run", "write.ipynb", "-p", "label", "\udcff"], "label"),
    (["run", LONG_NAME + ".ipynb"], "notebook"),
    (["run", LONG_PATH], "notebook"),
    (["run", "a\0b.ipynb"], "notebook"),
    (["run", "\udcff.ipynb"], "notebook"),
    (["runs", "--project", LONG_NAME], "--project"),
    (["runs", "--project", "a\0b"], "--project"),
    (["cancel", "\udcff"], "RUN_ID"),
    (["cancel", "; rm -rf /"], "RUN_ID"),
    (["version", "create", "../.."], "RUN_ID"),
    (["version", "show", _version(DIGITS_4301)], "MODEL@vN"),
    (["version", "diff", _version(DIGITS_4301), _version("1")], "MODEL@vA"),
    (["version", "restore", _version(DIGITS_4301), "--yes"], "MODEL@vN"),
    (["stage", "set", _version("1"), "\udcff"], "STAGE"),
    (["stage", "set", _version(DIGITS_4301), "production"], "MODEL@vN"),
    (["build", _version(DIGITS_4301)], "MODEL@vN"),
    (["build", _version("1"), "--base-image", "x" * 5000], "--base-image"),
    (["build", _version("1"), "--base-image", "; rm -rf /"], "--base-image"),
    (["builds", "--log", "\udcff"], "--log"),
    (["builds", "--cancel", "../.."], "--cancel"),
    (["up", _version(DIGITS_4301)], "MODEL[@vN]"),
    (["up", "edge-cases", "--replicas", str(2**64)], "--replicas"),
    (["up", "edge-cases", "--max-batch", str(10**20)], "--max-batch"),
    (["up", "edge-cases", "--name", "; rm -rf /"], "--name"),
    (["status", "\udcff"], "NAME"),
    (["logs", "--tail", "²"], "--tail"),
    (["logs", "--tail", "9" * 30], "--tail"),
]


COMMANDS = {"run", "sweep", "runs", "cancel", "version", "create", "show", "diff", "restore"}
COMMANDS |= {"stage", "set", "build", "builds", "up", "status", "logs"}
BENIGN = {"write.ipynb", "edge-cases", _version("1"), "production", "value", "label", "1"}


@pytest.mark.parametrize(
    ("argv", "named"), [pytest.param(a, n, id=" ".join(a)[:60]) for a, n in CLI_ROWS]
)
def test_cli_refuses_hostile_input_naming_the_argument(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    named: str,
) -> None:
    project = make_project(tmp_path / PROJECT)
    monkeypatch.chdir(project)
    before = _tree(project)
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code  # argparse refuses by exiting
    _out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert named in lines[0], err
    for value in argv:
        if not value.startswith("-") and value not in BENIGN | COMMANDS and value != named:
            assert value[:40] not in err, err
            assert repr(value)[1:41] not in err, err
    assert _tree(project) == before


def test_the_real_command_refuses_undecodable_and_oversized_arguments(tmp_path: Path) -> None:
    """As a shell passes them: bytes that are not UTF-8 arrive as surrogates in sys.argv."""
    import subprocess

    from conftest import JUPYTER

    project = make_project(tmp_path / PROJECT)
    for argv in (
        [b"cancel", b"r-\xff\xfe"],
        [b"version", b"show", _version(DIGITS_4301).encode()],
        [b"logs", b"--tail", "²".encode()],
    ):
        done = subprocess.run(
            [JUPYTER.encode(), b"deploy", *argv], capture_output=True, cwd=project, check=False
        )
        err = done.stderr.decode(errors="replace")
        assert done.returncode == 2, err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
        assert argv[-1][:40] not in done.stderr
