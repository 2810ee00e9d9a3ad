"""`jupyter deploy …`: the command line for CI/CD and ops, driving the same core as the server.

Exit codes: 0 success, 1 the command ran and found a problem (a failed check or run),
2 the input was wrong (bad arguments, parameter values, paths or ids).
"""

import argparse
import sys
from collections.abc import Sequence

from .._version import API_VERSION, __version__
from ..errors import DeployError, Forbidden, InvalidInput, NotFound
from . import builds, deploy, doctor, runs, versions
from .arguments import Parser


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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

    doctor.register(commands)
    runs.register(commands)
    versions.register(commands)
    builds.register(commands)
    deploy.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except (InvalidInput, NotFound, Forbidden) as exc:
        print(f"jupyter deploy {args.command}: {exc.message}", file=sys.stderr)
        return 2
    except DeployError as exc:
        print(f"jupyter deploy {args.command}: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        # What the system refused (a path too long once joined to the current folder, say),
        # without the file name: arguments are checked before, this is what checks cannot see.
        print(f"jupyter deploy {args.command}: {exc.strerror or 'system error'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
