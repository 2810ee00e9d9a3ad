"""`jupyter deploy build MODEL@vN` and `jupyter deploy builds`: build a version's image with its
log streamed here, and list, read or cancel builds."""

import argparse
import sys
from typing import Any

from .. import safe_json
from ..errors import InvalidInput
from ..fields import BuildId, ImageRef, VersionRef
from ..project import Project
from .arguments import typed
from .opening import in_project
from .runs import project_option


def _size(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


@in_project
def cmd_build(args: argparse.Namespace, project: Project) -> int:
    service = project.builds

    def show(topic: str, event: dict[str, Any]) -> None:
        if topic == "build" and event["kind"] == "log":
            for line in event["lines"]:
                if not args.quiet or line.startswith("── "):
                    print(line, file=sys.stderr, flush=True)

    project.events.subscribe(show)
    user = project.user
    build = service.start(args.version, user, args.base_image)
    try:
        build = service.wait(build["id"])
    except KeyboardInterrupt:
        print(f"cancelling {build['id']} …", file=sys.stderr)
        build = service.cancel(build["id"], user)
        print(f"{build['version']}: build {build['id']} cancelled", file=sys.stderr)
        return 130
    if args.json:
        print(safe_json.dumps(build, indent=2))
    elif build["status"] == "succeeded":
        image = build["image"]
        reused = ", dependencies reused" if image["dependency_cached"] else ""
        print(
            f"{build['version']}: image {image['tag']} ({image['id'][7:19]},"
            f" {_size(image['size'])}) in {build['duration_s']:.1f} s{reused}"
        )
    if build["status"] != "succeeded":
        error = build["error"] or {}
        print(
            f"jupyter deploy build: {build['version']} {build['status']}:"
            f" {error.get('message', 'see the log')} (build {build['id']})",
            file=sys.stderr,
        )
        return 1
    return 0


@in_project
def cmd_builds(args: argparse.Namespace, project: Project) -> int:
    if sum(x is not None for x in (args.version, args.log, args.cancel)) > 1:
        raise InvalidInput("give MODEL@vN, --log BUILD_ID or --cancel BUILD_ID, not several")
    service = project.builds
    if args.log is not None:
        log = service.log(args.log)
        print("\n".join(log["lines"]))
        return 0
    if args.cancel is not None:
        build = service.cancel(args.cancel, project.user)
        print(f"{build['version']}: build {build['id']} {build['status']}")
        return 0
    builds = service.listing(args.version)["builds"]
    if args.json:
        print(safe_json.dumps(builds, indent=2))
        return 0
    if not builds:
        print("no builds yet: `jupyter deploy build MODEL@vN` builds a version's image")
        return 0
    print(f"{'BUILD':<14} {'VERSION':<24} {'STATUS':<11} {'CREATED':<20} {'TIME':>7}  IMAGE")
    for b in builds:
        took = f"{b['duration_s']:.1f}s" if b["duration_s"] is not None else "-"
        image = f"{b['image']['tag']} ({_size(b['image']['size'])})" if b["image"] else ""
        error = (b["error"] or {}).get("message", "") if b["status"] == "failed" else ""
        print(
            f"{b['id']:<14} {b['version']:<24} {b['status']:<11} {b['created_at'][:19]:<20}"
            f" {took:>7}  {image or error}"
        )
    return 0


def register(commands: Any) -> None:
    build = commands.add_parser(
        "build", help="build a version's container image (export, smoke test, wheels, image)"
    )
    build.add_argument("version", type=typed(VersionRef, "version"), metavar="MODEL@vN")
    build.add_argument(
        "--base-image",
        type=typed(ImageRef, "image"),
        help="first image layer (default: base_image in jupyter-deploy.yaml)",
    )
    build.add_argument("--quiet", action="store_true", help="show the steps, not the whole log")
    build.add_argument("--json", action="store_true", help="print the build as JSON")
    project_option(build)
    build.set_defaults(func=cmd_build)

    listing = commands.add_parser("builds", help="list builds; read or cancel one")
    version, build_id = typed(VersionRef, "version"), typed(BuildId, "build id")
    listing.add_argument(
        "version", nargs="?", type=version, metavar="MODEL@vN", help="only this version's"
    )
    listing.add_argument("--log", type=build_id, metavar="BUILD_ID", help="print a build's log")
    listing.add_argument(
        "--cancel", type=build_id, metavar="BUILD_ID", help="cancel a running build"
    )
    listing.add_argument("--json", action="store_true", help="print the builds as JSON")
    project_option(listing)
    listing.set_defaults(func=cmd_builds)
