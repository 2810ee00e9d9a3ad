"""Versions: runs promoted to immutable model versions, stored as git commits and tags plus
DVC-addressed data, readable by git, DVC and GTO's own tools."""

from ..identity import Identity
from .git import Git, GitError
from .promote import Versions, tag_name

__all__ = ["Git", "GitError", "Identity", "Versions", "tag_name"]
