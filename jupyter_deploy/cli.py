"""`jupyter deploy …`: the command line for CI/CD and ops, driving the same core as the server.

Exit codes: 0 success, 1 the command ran and found a problem (e.g. a doctor check failed),
2 the command line itself was wrong.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._version import API_VERSION, __version__
from .doctor import DoctorReport, run_doctor
from .errors import DeployError

_MARK = {"ok": "✓", "warning": "!", "error": "✗"}
_COLOUR = {"ok": "32", "warning": "33", "error": "31"}


def _paint(text: str, status: str, stream: TextIO) -> str:
    return f"\033[{_COLOUR[status]}m{text}\033[0m" if stream.isatty() else text


def print_report(report: DoctorReport, stream: TextIO) -> None:
    width = max(len(c.label) for c in report.checks)
    for check in report.checks:
        mark = _paint(_MARK[check.status], check.status, stream)
        value = f"{check.value}  " if check.value else ""
        print(f" {mark} {check.label:<{width}}  {value}{check.detail}", file=stream)
        if check.hint:
            print(f"   {'':<{width}}  → {check.hint}", file=stream)
    print(file=stream)
    print(
        f"Deployments will use the {report.target['name']} target: {report.target['reason']}.",
        file=stream,
    )
    summary = {
        "ok": "All checks passed.",
        "warning": "Usable, with warnings above.",
        "error": "Some checks failed: see the hints above.",
    }[report.status]
    print(_paint(summary, report.status, stream), file=stream)


def _existing_dir(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is not a folder")
    return path


def cmd_doctor(args: argparse.Namespace) -> int:
    report = run_doctor(args.project)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report, sys.stdout)
    return 1 if report.status == "error" else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter deploy",
        description="Run, version, build and deploy notebook models. The JupyterLab Deploy"
        " sidebar drives the same core.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"jupyter_deploy {__version__} (REST API v{API_VERSION})",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    doctor = commands.add_parser(
        "doctor",
        help="check this machine and project: versions, git, DVC, Docker, base image, target,"
        " config",
        description="Report what works here and what to do about what does not."
        " Exits 1 when a check fails.",
    )
    doctor.add_argument(
        "--project",
        type=_existing_dir,
        default=Path.cwd(),
        help="project folder, or any folder inside one (default: the current folder)",
    )
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.set_defaults(func=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except DeployError as exc:
        print(f"jupyter deploy {args.command}: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
