"""`jupyter deploy up|status|rollback|down|logs`: deployments from a terminal or CI."""

import argparse
import sys
from typing import Any

from .. import identity, safe_json
from ..deployments.service import DeployFailed, Deployments, DeploySpec
from ..errors import InvalidInput
from ..fields import DeploymentName, LogTail, MaxBatch, Replicas, VersionOrModel
from ..targets import registry
from ..versions import Versions
from .arguments import typed
from .runs import project_dir, project_option


def _deployments(args: argparse.Namespace) -> Deployments:
    project = project_dir(args)
    return Deployments(project, user=identity.resolve(project).name)


def _say(step: str, message: str) -> None:
    print(f"[{step}] {message}", file=sys.stderr, flush=True)


def _reference(deployments: Deployments, given: str) -> str:
    """MODEL@vN as given, or MODEL alone for its newest version."""
    model, at, _ = given.partition("@")
    if model != deployments.config.model:
        raise InvalidInput(
            f"no model {model!r} here: this project's model is {deployments.config.model!r}"
        )
    if at:
        return given
    numbers = Versions(deployments.project_dir, deployments.store).numbers()
    if not numbers:
        raise InvalidInput(f"{model} has no versions yet: promote a run first")
    return f"{model}@v{numbers[-1]}"


def _show(status: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(safe_json.dumps(status, indent=2))
        return
    where = f" at {status['endpoint']}" if status["endpoint"] else ""
    print(f"{status['name']}: {status['status']}, {status['version'] or 'no version'}{where}")
    previous = status["previous_version"] or "-"
    print(f"  target {status['target']}, previous {previous}, gateway", end=" ")
    print("running" if status["gateway"]["running"] else "stopped")
    for r in status["replicas"]:
        where = f"{r['state']} {r['address']} restarts={r['restarts']}"
        print(f"  replica {r['id']} {r['version']} {where}")
    for e in status["events"][:5]:
        print(f"  {e['at'][:19]} {e['by']}: {e['action']} {e['version'] or ''} {e['outcome']}")


def cmd_up(args: argparse.Namespace) -> int:
    deployments = _deployments(args)
    spec = DeploySpec.checked(
        version=_reference(deployments, args.version),
        name=args.name,
        replicas=args.replicas,
        target=args.target,
        max_batch=args.max_batch,
    )
    try:
        status = deployments.up(spec, progress=_say)
    except DeployFailed as exc:
        for line in exc.log[-20:]:
            print(f"  | {line}", file=sys.stderr)
        raise
    _show(status, args.json)
    if "api_key" in status and not args.json:
        print(f"API key (shown once; a copy only you can read: {status['api_key_file']}):")
        print(f"  {status['api_key']}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    _show(_deployments(args).status(args.name), args.json)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    _show(_deployments(args).rollback(args.name, progress=_say), args.json)
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    _show(_deployments(args).down(args.name, progress=_say), args.json)
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    for line in _deployments(args).logs(args.name, args.tail, args.follow):
        print(line, flush=True)
    return 0


def register(commands: Any) -> None:
    deployment = typed(DeploymentName, "name")
    up = commands.add_parser("up", help="deploy a version (default: the newest) or update to it")
    up.add_argument("version", type=typed(VersionOrModel, "version"), metavar="MODEL[@vN]")
    up.add_argument("--name", type=deployment, help="deployment name (default: the model's name)")
    up.add_argument(
        "--replicas",
        type=typed(Replicas, "count"),
        help="replicas behind the gateway (default: config)",
    )
    up.add_argument("--target", choices=registry.choices(), help="default: config")
    up.add_argument(
        "--max-batch",
        type=typed(MaxBatch, "count"),
        help="records the model server batches (default 1)",
    )
    up.add_argument("--json", action="store_true", help="print the deployment as JSON")
    project_option(up)
    up.set_defaults(func=cmd_up)
    for name, func, text in (
        ("status", cmd_status, "a deployment's endpoint, version, replicas and history"),
        ("rollback", cmd_rollback, "back to the previous version (its image is cached)"),
        ("down", cmd_down, "stop a deployment's gateway and replicas"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument(
            "name", nargs="?", type=deployment, metavar="NAME", help="default: the model's name"
        )
        sub.add_argument("--json", action="store_true", help="print the deployment as JSON")
        project_option(sub)
        sub.set_defaults(func=func)
    logs = commands.add_parser("logs", help="the replicas' log lines")
    logs.add_argument(
        "name", nargs="?", type=deployment, metavar="NAME", help="default: the model's name"
    )
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument(
        "--tail",
        type=typed(LogTail, "count"),
        default=100,
        help="lines from the end (default 100)",
    )
    project_option(logs)
    logs.set_defaults(func=cmd_logs)
