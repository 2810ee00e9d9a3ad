"""`jupyter deploy doctor`: the environment report in a terminal."""

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from .. import safe_json
from ..doctor import DoctorReport, run_doctor
from ..fields import PathText
from .arguments import typed

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
    if report.identity:
        print(f"Recorded as: {report.identity.describe()}.", file=stream)
    summary = {
        "ok": "All checks passed.",
        "warning": "Usable, with warnings above.",
        "error": "Some checks failed: see the hints above.",
    }[report.status]
    print(_paint(summary, report.status, stream), file=stream)


def cmd_doctor(args: argparse.Namespace) -> int:
    report = run_doctor(args.project)
    if args.json:
        sys.stdout.write(safe_json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print_report(report, sys.stdout)
    return 1 if report.status == "error" else 0


def existing_dir(value: str) -> Path:
    path = Path(typed(PathText, "folder")(value)).expanduser()
    try:
        found = path.is_dir()
    except OSError:  # too long once expanded, say: not a folder we can use either way
        found = False
    if not found:
        raise argparse.ArgumentTypeError("the path is not a folder")
    return path


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "doctor",
        help="check this machine and project: versions, git, DVC, Docker, base image, target,"
        " config",
        description="Report what works here and what to do about what does not."
        " Exits 1 when a check fails.",
    )
    parser.add_argument(
        "--project",
        type=existing_dir,
        default=Path.cwd(),
        help="project folder, or any folder inside one (default: the current folder)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=cmd_doctor)
