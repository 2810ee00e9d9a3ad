"""DVC's content-addressed storage, written the way DVC 3 writes it (`files/md5/ab/cdef…`), so
`dvc pull`, `dvc get` and `dvc checkout` read what versions store. Files are hashed while the
kernel copies them; nothing in the user's working tree is added, moved or replaced by a link."""

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import configobj  # type: ignore[import-untyped]  # DVC's own config reader

from ..errors import ConfigError, Conflict, DeployError
from .hash_cache import HashCache, Progress, md5_of, named

DEFAULT_REMOTE = "jupyter-deploy"
_PASSWORD = re.compile(r"(://[^/\s:@]+):[^/\s@]+@")
DVC_GITIGNORE = b"/config.local\n/tmp\n/cache\n"
DVCIGNORE = b"# Patterns DVC ignores (https://dvc.org/doc/user-guide/dvcignore)\n"


@dataclass(frozen=True)
class Stored:
    md5: str
    size: int


@dataclass(frozen=True)
class Remote:
    name: str
    url: str
    path: Path | None  # a local directory: objects are linked or copied straight in


def object_path(base: Path, md5: str) -> Path:
    return base / "files" / "md5" / md5[:2] / md5[2:]


def data_dir() -> Path:
    """Where jupyter_deploy keeps per-user data outside any project."""
    configured = os.environ.get("JUPYTER_DEPLOY_DATA_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "jupyter-deploy"


class DvcStore:
    def __init__(self, root: Path) -> None:
        # DVC's root: the repository's root, or a folder of it in DVC's subdirectory mode.
        self.root = root
        self.dvc_dir = root / ".dvc"
        self.cache = self.dvc_dir / "cache"

    def ensure_initialized(self) -> dict[str, bytes]:
        """Make the DVC repository exist locally (untracked, like `.jupyter_deploy/`); return the
        files (relative to DVC's root) a version's tree needs so a clone of the version is a DVC
        repository too."""
        self.dvc_dir.mkdir(exist_ok=True)
        for path, content in (
            (self.dvc_dir / ".gitignore", DVC_GITIGNORE),
            (self.dvc_dir / "config", b""),
            (self.root / ".dvcignore", DVCIGNORE),
        ):
            if not path.exists():
                path.write_bytes(content)
        return {
            ".dvc/.gitignore": (self.dvc_dir / ".gitignore").read_bytes(),
            ".dvcignore": (self.root / ".dvcignore").read_bytes(),
        }

    def remote(self, project_name: str) -> Remote:
        """The remote versions are pushed to: the configured default remote (any kind DVC
        supports), or a directory outside the project, which is then recorded in the untracked
        `.dvc/config.local` so DVC in this working copy finds it too."""
        config = self._config()
        name = config.get("core", {}).get("remote")
        if name:
            section = config.get(f'remote "{name}"')
            if not isinstance(section, dict) or not section.get("url"):
                raise ConfigError(f"DVC's default remote {name!r} has no url in .dvc/config")
            url = str(section["url"])
            if "://" in url and not url.startswith("file://"):
                return Remote(name, url, None)
            path = Path(url.removeprefix("file://"))
            path = path if path.is_absolute() else (self.dvc_dir / path).resolve()
            return Remote(name, str(path), path)
        digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:10]  # noqa: S324 - a name
        path = data_dir() / "dvc-remote" / f"{project_name}-{digest}"
        local = self.dvc_dir / "config.local"
        local.write_bytes(self.config_with_remote(
            local.read_bytes() if local.is_file() else None, DEFAULT_REMOTE, str(path)
        ) or b"")  # fmt: skip
        return Remote(DEFAULT_REMOTE, str(path), path)

    @staticmethod
    def config_with_remote(current: bytes | None, name: str, url: str) -> bytes | None:
        """`current` (a DVC config file's bytes) with `name` as its default remote, or None when
        it already names a default remote. A password in the URL is left out: this goes to git."""
        config = configobj.ConfigObj((current or b"").decode().splitlines())
        if config.get("core", {}).get("remote"):
            return None
        config.setdefault("core", {})["remote"] = name
        config[f'remote "{name}"'] = {"url": re.sub(_PASSWORD, r"\1@", url)}
        config.filename = None
        return "\n".join(config.write()).encode() + b"\n"

    def _config(self) -> dict[str, Any]:
        """`.dvc/config` with `.dvc/config.local` over it, as DVC reads them."""
        merged = configobj.ConfigObj(str(self.dvc_dir / "config"))
        merged.merge(configobj.ConfigObj(str(self.dvc_dir / "config.local")))
        return dict(merged)

    def store(
        self, source: Path, known: HashCache | None = None, progress: Progress | None = None
    ) -> Stored:
        """Hash `source` and copy it into the cache (verified unchanged meanwhile); a file `known`
        has hashed before, unchanged since and already in the cache, is not read at all."""
        stat = source.stat()
        if known is not None:
            md5 = known.get(stat)
            if md5 is not None and object_path(self.cache, md5).is_file():
                return Stored(md5, stat.st_size)
        self.cache.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.cache, prefix=".tmp-")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            # The kernel copies (sendfile) while this thread hashes: the file is read twice from
            # the page cache, which costs far less than pushing every byte through user space.
            with ThreadPoolExecutor(max_workers=1) as pool:
                copied = pool.submit(shutil.copyfile, source, tmp)
                md5 = md5_of(source, named("storing", progress))
                copied.result()
            after = source.stat()
            if (after.st_size, after.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                raise Conflict(f"{source.name} changed while it was being stored; try again")
            with tmp.open("rb+") as out:
                os.fsync(out.fileno())
            target = object_path(self.cache, md5)
            if target.exists():
                tmp.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp.chmod(0o444)  # DVC keeps cache objects read-only
                os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        size = stat.st_size
        if known is not None:
            known.put(stat, md5)
        return Stored(md5, size)

    def push(
        self, remote: Remote, objects: list[tuple[str, Stored]], progress: Progress | None = None
    ) -> None:
        """Copy objects (named for progress) from the cache to the remote."""
        if remote.path is None:
            self._push_with_dvc(remote, objects, progress)
            return
        for name, item in objects:
            target = object_path(remote.path, item.md5)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".tmp-{item.md5}")
                source = object_path(self.cache, item.md5)
                try:
                    os.link(source, tmp)  # same file system: no bytes move
                except OSError:
                    shutil.copyfile(source, tmp)
                    with open(tmp, "rb+") as f:
                        os.fsync(f.fileno())
                os.replace(tmp, target)
            if progress is not None:
                progress(f"pushing {name} to {remote.name}", item.size, item.size)

    def fetch(self, remote: Remote, md5: str) -> Path | None:
        """An object's file from the cache, fetched from the remote first when missing."""
        cached = object_path(self.cache, md5)
        if cached.is_file():
            return cached
        if remote.path is not None:
            stored = object_path(remote.path, md5)
            return stored if stored.is_file() else None
        with self._dvc_remote(remote, "pull") as (repo, odb):
            from dvc_data.hashfile.hash_info import HashInfo

            repo.cloud.pull([HashInfo("md5", md5)], odb=odb)
        return cached if cached.is_file() else None

    def _push_with_dvc(
        self, remote: Remote, objects: list[tuple[str, Stored]], progress: Progress | None
    ) -> None:
        """S3, GCS, SSH, HTTP, ...: DVC's own transfer, so its remote settings and credentials
        (from `.dvc/config.local` or the environment, never from git) apply unchanged."""
        with self._dvc_remote(remote, "push") as (repo, odb):
            from dvc_data.hashfile.hash_info import HashInfo

            for name, item in objects:
                result = repo.cloud.push([HashInfo("md5", item.md5)], odb=odb)
                if result.failed:
                    raise Conflict(
                        f"could not push {name} to DVC remote {remote.name!r}"
                        f" ({redact(remote.url)}); nothing was tagged"
                    )
                if progress is not None:
                    progress(f"pushing {name} to {remote.name}", item.size, item.size)

    @contextlib.contextmanager
    def _dvc_remote(self, remote: Remote, command: str) -> Iterator[tuple[Any, Any]]:
        # DVC takes a second to import: only promotions to non-local remotes pay for it.
        from dvc.repo import Repo

        try:
            with Repo(str(self.root)) as repo:
                yield repo, repo.cloud.get_remote_odb(remote.name, command)
        except DeployError:
            raise
        except Exception as exc:  # DVC's and the storage libraries' errors vary by remote kind
            raise Conflict(
                f"DVC remote {remote.name!r} ({redact(remote.url)}) failed: {redact(str(exc))}"
            ) from None


def redact(text: str) -> str:
    """URLs with their password (or token) hidden: error messages reach logs and browsers."""
    return re.sub(_PASSWORD, r"\1:***@", text)


def pointer(md5: str, size: int, name: str) -> bytes:
    """The `.dvc` file DVC 3 writes for one output."""
    return f"outs:\n- md5: {md5}\n  size: {size}\n  hash: md5\n  path: {name}\n".encode()
