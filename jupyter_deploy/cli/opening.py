"""How a command opens its project: the one `Project` core the server and notebooks use too,
closed when the command ends."""

import argparse
import functools
from collections.abc import Callable

from ..project import Project, open_project
from .runs import project_dir

Command = Callable[[argparse.Namespace], int]


def in_project(command: Callable[[argparse.Namespace, Project], int]) -> Command:
    """`command(args, project)` with the project of `--project` opened around it."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        with open_project(project_dir(args)) as project:
            return command(args, project)

    return run
