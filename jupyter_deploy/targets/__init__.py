"""Deployment targets. Later: the plug-in interface; for now, which one `auto` picks and why."""

from .selection import TargetChoice, choose_target

__all__ = ["TargetChoice", "choose_target"]
