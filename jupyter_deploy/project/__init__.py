"""The one way every face (server, CLI, notebook helpers, tests) opens a project: `Project`."""

from .core import Project, open_project

__all__ = ["Project", "open_project"]
