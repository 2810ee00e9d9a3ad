"""The git plumbing versions are made of. A version is a commit built from HEAD's tree plus the
version's own files, written through a private index, and an annotated tag: the user's working
tree, index and branches are never touched."""

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DeployError
from ..identity import Identity

GIT_TIMEOUT_S = 120.0


class GitError(DeployError):
    """A git command failed; the message is git's own."""


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def containing(cls, path: Path) -> "Git":
        """The repository `path` lives in."""
        try:
            top = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=path,
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT_S,
                check=False,
            )
        except FileNotFoundError as exc:
            raise ConfigError("git is not installed; versions are git commits") from exc
        if top.returncode != 0:
            raise ConfigError(
                f"{path} is not in a git repository: versions are git commits and tags. "
                "Run `git init` and commit the project first."
            )
        return cls(Path(top.stdout.strip()))

    def run(
        self,
        *args: str,
        input_bytes: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> bytes:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            input=input_bytes,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            env={**os.environ, **(env or {})},
            check=False,
        )
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
            raise GitError(f"git {args[0]}: {message}")
        return done.stdout

    def text(self, *args: str) -> str:
        return self.run(*args).decode().strip()

    def head(self) -> str | None:
        """HEAD's commit, or None in a repository without commits."""
        try:
            return self.text("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return None

    def show(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a revision, or None if it has no such file."""
        try:
            return self.run("cat-file", "blob", f"{rev}:{path}")
        except GitError:
            return None

    def blob_id(self, rev: str, path: str) -> str | None:
        """The object id of a file at a revision, or None if git does not track it there."""
        try:
            return self.text("rev-parse", "--verify", "--quiet", f"{rev}:{path}")
        except GitError:
            return None

    def hash_file(self, file: Path, path: str) -> str:
        """The blob id `file` would get if committed at `path` (with that path's filters)."""
        return self.text("hash-object", f"--path={path}", "--", str(file))

    def tags(self, pattern: str) -> list[str]:
        return self.text("tag", "--list", pattern).splitlines()

    def tree_with(self, base: str | None, files: dict[str, bytes]) -> str:
        """A tree: `base`'s tree with `files` (repository-relative paths) added or replaced."""
        with tempfile.TemporaryDirectory(prefix="jd-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if base:
                self.run("read-tree", base, env=env)
            entries = []
            for path, data in sorted(files.items()):
                blob = self.run("hash-object", "-w", "--stdin", input_bytes=data).decode().strip()
                entries.append(f"100644 {blob}\t{path}")
            if entries:
                self.run(
                    "update-index",
                    "--add",
                    "--index-info",
                    input_bytes=("\n".join(entries) + "\n").encode(),
                    env=env,
                )
            return self.run("write-tree", env=env).decode().strip()

    def commit_tree(self, tree: str, parent: str | None, message: str, who: Identity) -> str:
        args = ["commit-tree", tree, "-F", "-"]
        if parent:
            args[2:2] = ["-p", parent]
        return (
            self.run(*args, input_bytes=message.encode(), env=_identity_env(who)).decode().strip()
        )

    def tag(
        self,
        name: str,
        target: str,
        summary: str,
        meta: dict[str, Any] | None,
        who: Identity,
        when: int | None = None,
    ) -> None:
        """An annotated tag whose message is a summary line, a blank line, then `meta` as one
        JSON line (read back by `tag_meta`); fails if the name is taken (tags never move).
        `when` (Unix seconds) sets the tagger date."""
        message = f"{summary}\n\n{json.dumps(meta)}\n" if meta is not None else f"{summary}\n"
        env = _identity_env(who)
        if when is not None:
            env["GIT_COMMITTER_DATE"] = f"{when} +0000"
        self.run("tag", "-a", name, target, "-F", "-", input_bytes=message.encode(), env=env)

    def newest_tag_time(self, pattern: str) -> int | None:
        """The latest tagger date (Unix seconds) among the tags matching `pattern`."""
        out = self.text(
            "for-each-ref", "--count=1", "--sort=-taggerdate", "--format=%(taggerdate:unix)",
            f"refs/tags/{pattern}",
        )  # fmt: skip
        return int(out) if out.isdigit() else None

    def tag_meta(self, pattern: str) -> list[tuple[str, dict[str, Any]]]:
        """(tag name, meta) of every tag under refs/tags/`pattern` written by `tag`, in one
        `git for-each-ref`; tags with another kind of message are skipped."""
        out = self.run(
            "for-each-ref", "--format=%(refname:strip=2)%00%(contents)%1e", f"refs/tags/{pattern}"
        ).decode()
        found = []
        for record in filter(None, (r.strip("\n") for r in out.split("\x1e"))):
            name, _, message = record.partition("\x00")
            body = message.partition("\n\n")[2].strip()
            try:
                meta = json.loads(body.splitlines()[0])
            except (ValueError, IndexError):
                continue
            if isinstance(meta, dict):
                found.append((name, meta))
        return found


def _identity_env(who: Identity) -> dict[str, str]:
    # Author and committer (or tagger) alike: the identity resolved for the request, never what
    # the server's own environment or git config would otherwise put there.
    return {
        "GIT_AUTHOR_NAME": who.name,
        "GIT_AUTHOR_EMAIL": who.email,
        "GIT_COMMITTER_NAME": who.name,
        "GIT_COMMITTER_EMAIL": who.email,
    }
