"""Deployment targets: the plug-in interface (`base.py`), the registry that finds them
(`registry.py`, the `jupyter_deploy.targets` entry points), the `docker` and `local` targets,
and which one `auto` picks and why."""

from .selection import TargetChoice, choose_target

__all__ = ["TargetChoice", "choose_target"]
