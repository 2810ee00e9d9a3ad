"""Deployment targets: the plug-in interface (`base.py`), the `docker` target, and which one
`auto` picks and why."""

from .selection import TargetChoice, choose_target

__all__ = ["TargetChoice", "choose_target"]
