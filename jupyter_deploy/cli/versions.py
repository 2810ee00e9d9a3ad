"""`jupyter deploy versions`, `version create|show|diff` and `stage set|history`."""

import argparse
import json
import sys
from typing import Any

from .. import identity, safe_json
from ..errors import InvalidInput
from ..fields import ModelName, RunId, Stage, VersionRef
from ..project import Project
from ..schema import fields
from ..versions import restore as restoring
from ..versions import stages
from ..versions.diff import diff
from .arguments import typed
from .opening import in_project
from .runs import project_option


def _metrics_text(metrics: dict[str, Any], limit: int = 3) -> str:
    shown = list(metrics.items())[:limit]
    return " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown)


def _storing(name: str, done: int, total: int) -> None:
    """A live line while large files are hashed, stored and pushed (terminals only)."""
    if sys.stderr.isatty() and total >= 64 * 2**20:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r\033[K{name}: {done >> 20}/{total >> 20} MiB{end}")
        sys.stderr.flush()


@in_project
def cmd_create(args: argparse.Namespace, project: Project) -> int:
    versions = project.versions
    who = identity.resolve(project.dir)
    version = versions.promote(args.run_id, who, _storing, copy=args.copy)
    if args.json:
        print(safe_json.dumps(version, indent=2))
    else:
        size = sum(f["size"] for f in version["files"])
        print(
            f"{version['tag']}: run {version['run_id']}, commit {version['commit'][:10]},"
            f" {len(version['files'])} file(s) ({size} bytes) in DVC's cache and remote"
        )
    return 0


@in_project
def cmd_list(args: argparse.Namespace, project: Project) -> int:
    versions = project.versions
    if args.model is not None and args.model != versions.model:
        raise InvalidInput(
            f"no model {args.model!r} in {versions.project_dir}: its model is {versions.model!r}"
            " (use --project for another project)"
        )
    listing = stages.with_stages(versions, versions.listing())
    if args.json:
        print(safe_json.dumps({"versions": listing}, indent=2))
        return 0
    if not listing:
        print("no versions yet: promote a run with `jupyter deploy version create RUN_ID`")
        return 0
    print(f"{'VERSION':<24} {'STAGES':<20} {'CREATED':<20} {'AUTHOR':<20} {'RUN':<14} METRICS")
    for v in listing:
        print(
            f"{v['tag']:<24} {','.join(v['stages']) or '-':<20} {v['created_at'][:19]:<20}"
            f" {v['author']['name'][:20]:<20} {v['run_id']:<14} {_metrics_text(v['metrics'])}"
        )
    return 0


@in_project
def cmd_show(args: argparse.Namespace, project: Project) -> int:
    version = project.versions.show(args.version)
    if args.json:
        print(safe_json.dumps(version, indent=2))
        return 0
    print(f"{version['tag']}  ({', '.join(version.get('stages') or []) or 'no stage'})")
    print(f"  created   {version['created_at'][:19]} by {version['author']['name']}")
    print(f"  run       {version['run_id']} of {version['notebook']}")
    print(f"  source    commit {version['source_commit'][:10]}")
    environment = version.get("environment") or {}
    packages = len(environment.get("packages") or {})
    print(f"  python    {environment.get('python', '?')}, {packages} packages")
    for title, section in (("parameters", "parameters"), ("metrics", "metrics")):
        print(f"\n{title}:" + ("" if version[section] else " none"))
        for name, value in version[section].items():
            print(f"  {name} = {json.dumps(value)}")
    print("\nfiles:")
    for item in [*version["files"], *version["data"]]:
        kind = "data" if item in version["data"] else "model"
        print(
            f"  {kind:<5} {item['path']}  {_size(item['size'])}  md5 {item['md5'][:12]}"
            f"  ({item.get('storage', 'dvc')})"
        )
    api = version["schema"]
    if api is None:
        print("\nserving API: none (the serve cells define no predict)")
        return 0
    print(f"\nserving API ({api['function']}, from the {api['source']}):")
    for side in ("input", "output"):
        for f in fields(api[side]):
            optional = "" if f["required"] else ", optional"
            print(f"  {side:<6} {f['path']}: {f['type']}{optional}")
    return 0


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


@in_project
def cmd_diff(args: argparse.Namespace, project: Project) -> int:
    changes = diff(project.versions, args.old, args.new)
    if args.json:
        print(safe_json.dumps(changes, indent=2))
        return 0
    print(f"{changes['old']} → {changes['new']}")
    for section in ("parameters", "metrics", "files", "data"):
        print(f"\n{section}:" + ("" if changes[section] else " unchanged"))
        for name, change in changes[section].items():
            delta = f"  ({change['delta']:+.4g})" if "delta" in change else ""
            print(f"  {name}: {change['old']} → {change['new']}{delta}")
    api = changes["schema"]
    verdict = "BREAKING" if api["breaking"] else ("compatible" if api["changes"] else "unchanged")
    print(f"\nserving API: {verdict}")
    for c in api["changes"]:
        mark = "  ✗ " if c["breaking"] else "    "
        types = " → ".join(t for t in (c["old"], c["new"]) if t)
        print(f"{mark}{c['side']} {c['path']}: {c['change']} ({types})")
    print("\nnotebook cells:" + ("" if changes["cells"] else " unchanged"))
    for cell in changes["cells"]:
        print(f"  {cell['change']} cell {cell['cell_id']}")
        print("".join(f"    {line}\n" for line in cell["diff"].splitlines()), end="")
    return 0


_VERBS = {"create": "create", "overwrite": "overwrite", "unchanged": "keep (already this version)"}


@in_project
def cmd_restore(args: argparse.Namespace, project: Project) -> int:
    versions = project.versions
    planned = restoring.plan(versions, args.version)
    print(f"Restoring {planned['version']} into {versions.project_dir}:")
    for item in planned["files"]:
        print(f"  {_VERBS[item['action']]:<28} {item['path']}")
    if all(item["action"] == "unchanged" for item in planned["files"]):
        print("Nothing to do.")
        return 0
    if any(item["action"] == "overwrite" for item in planned["files"]):
        print("Overwritten files are saved to DVC's cache first (their md5 is printed below).")
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput("not restoring without confirmation: add --yes")
        if input("Restore? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing restored.")
            return 1
    done = restoring.restore(versions, args.version)
    for item in done["files"]:
        if "saved_as" in item:
            print(f"  saved the previous {item['path']} as md5 {item['saved_as']}")
    print(f"Restored {planned['version']}; every file matches the version's hash.")
    return 0


@in_project
def cmd_stage_set(args: argparse.Namespace, project: Project) -> int:
    versions = project.versions
    assignment = stages.assign(versions, args.version, args.stage, identity.resolve(project.dir))
    print(f"{args.stage}: {versions.model}@{assignment['version']} (tag {assignment['tag']})")
    return 0


@in_project
def cmd_stage_history(args: argparse.Namespace, project: Project) -> int:
    assignments = stages.history(project.versions)
    if args.json:
        print(safe_json.dumps({"assignments": assignments}, indent=2))
        return 0
    for a in reversed(assignments):
        print(f"{a['assigned_at'][:19]}  {a['stage']:<12} {a['version']:<6} {a['author']['name']}")
    return 0


def _options(parser: argparse.ArgumentParser, json_what: str | None = None) -> None:
    project_option(parser)
    if json_what:
        parser.add_argument("--json", action="store_true", help=f"print {json_what} as JSON")


def register(commands: Any) -> None:
    version_ref = typed(VersionRef, "version")
    listing = commands.add_parser("versions", help="list the model's versions, newest first")
    listing.add_argument(
        "model",
        nargs="?",
        type=typed(ModelName, "model"),
        metavar="MODEL",
        help="the project's model (checked when given)",
    )
    _options(listing, "the versions")
    listing.set_defaults(func=cmd_list)

    version = commands.add_parser("version", help="create or show one version")
    actions = version.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create", help="promote a succeeded run to the next version (git tag + DVC data)"
    )
    create.add_argument("run_id", type=typed(RunId, "run id"), metavar="RUN_ID")
    create.add_argument(
        "--copy",
        action="store_true",
        help="make a version even if the run already is one (a second version of the same run)",
    )
    _options(create, "the version")
    create.set_defaults(func=cmd_create)
    show = actions.add_parser(
        "show", help="one version (MODEL@vN): author, run, parameters, metrics, files, API"
    )
    show.add_argument("version", type=version_ref, metavar="MODEL@vN")
    _options(show, "the version")
    show.set_defaults(func=cmd_show)
    compare = actions.add_parser(
        "diff", help="parameters, metrics, files and notebook cells changed between two versions"
    )
    compare.add_argument("old", type=version_ref, metavar="MODEL@vA")
    compare.add_argument("new", type=version_ref, metavar="MODEL@vB")
    _options(compare, "the changes")
    compare.set_defaults(func=cmd_diff)
    put_back = actions.add_parser(
        "restore", help="put a version's files back into the project (asks first)"
    )
    put_back.add_argument("version", type=version_ref, metavar="MODEL@vN")
    _options(put_back)
    put_back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    put_back.set_defaults(func=cmd_restore)

    stage = commands.add_parser("stage", help="assign stages (staging, production) to versions")
    stage_actions = stage.add_subparsers(dest="action", metavar="ACTION", required=True)
    assign = stage_actions.add_parser("set", help="assign STAGE to MODEL@vN (GTO stage tag)")
    assign.add_argument("version", type=version_ref, metavar="MODEL@vN")
    assign.add_argument(
        "stage", type=typed(Stage, "stage"), metavar="STAGE", help="e.g. staging or production"
    )
    _options(assign)
    assign.set_defaults(func=cmd_stage_set)
    past = stage_actions.add_parser("history", help="every assignment, newest first")
    _options(past, "the assignments")
    past.set_defaults(func=cmd_stage_history)
