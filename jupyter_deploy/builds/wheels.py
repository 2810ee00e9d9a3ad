"""Wheels for the image, resolved on the host: `pip download` for the image's Python and
platform, with the host's own index and proxy settings. The build then installs them offline,
so an image build needs no network and works behind proxies. The wheels found are the lock."""

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeployError

RESOLVE_TIMEOUT_S = 900.0
_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-.+\.whl$")


class ResolveError(DeployError):
    code = "resolve_failed"


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    file: Path


# Debian bookworm's glibc, under the slim base images: wheels built for it or older run there.
GLIBC = (2, 36)


def platforms(machine: str, glibc: tuple[int, int] = GLIBC) -> list[str]:
    """pip's platform tags for a glibc Linux image, newest first (numpy 2.3 and later, for one,
    publish only manylinux_2_28 wheels)."""
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    tags = [f"manylinux_{glibc[0]}_{minor}_{arch}" for minor in range(glibc[1], 16, -1)]
    return [*tags, f"manylinux2014_{arch}", f"linux_{arch}"]


def resolve_wheels(
    requirements: list[str],
    dest: Path,
    python_version: str = "3.11",
    machine: str = platform.machine(),
) -> list[Wheel]:
    """Download binary wheels for `requirements` and everything they depend on."""
    dest.mkdir(parents=True, exist_ok=True)
    if not requirements:
        return []
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--only-binary=:all:", "--implementation", "cp", "--python-version", python_version,
        *(arg for tag in platforms(machine) for arg in ("--platform", tag)),
        "--dest", str(dest), *requirements,
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=RESOLVE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise ResolveError(f"resolving wheels took over {RESOLVE_TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        errors = [ln for ln in done.stderr.splitlines() if ln.startswith("ERROR")]
        raise ResolveError(
            f"no binary wheels for Python {python_version} on Linux {machine}: "
            + ("; ".join(errors[-3:]) or done.stderr.strip()[-500:])
        )
    return _listed(dest)


def cache_home() -> Path:
    """Where resolved wheels are kept between builds, for every project of this user."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jupyter-deploy" / "wheels"


def cached_wheels(
    requirements: list[str],
    python_version: str,
    machine: str = platform.machine(),
    cache: Path | None = None,
    resolve: bool = True,
) -> tuple[list[Wheel], bool]:
    """`resolve_wheels`, once per requirement set: pinned requirements resolve to the same wheels
    every time, so a build whose requirements did not change asks no index. True when cached;
    with `resolve=False`, no wheels unless cached."""
    cache = cache or cache_home()
    key_source = json.dumps([sorted(requirements), python_version, platforms(machine)])
    folder = cache / hashlib.sha256(key_source.encode()).hexdigest()[:24]
    if (folder / "resolved.json").is_file():
        return _listed(folder), True
    if not resolve:
        return [], False
    cache.mkdir(parents=True, exist_ok=True)
    # Resolved into a scratch folder and renamed into place: a killed resolution leaves nothing
    # that looks complete.
    scratch = Path(tempfile.mkdtemp(prefix=".resolving-", dir=cache))
    try:
        wheels = resolve_wheels(requirements, scratch, python_version, machine)
        (scratch / "resolved.json").write_text(json.dumps(sorted(requirements)))
        with contextlib.suppress(OSError):  # another build resolved the same set meanwhile
            scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return (_listed(folder) if folder.is_dir() else wheels), False


def _listed(folder: Path) -> list[Wheel]:
    wheels = []
    for file in sorted(folder.glob("*.whl")):
        found = _WHEEL.match(file.name)
        if found:
            wheels.append(
                Wheel(found.group("name").replace("_", "-"), found.group("version"), file)
            )
    return wheels


def lock_text(wheels: list[Wheel]) -> str:
    """The lock: `name==version` a line, sorted, as pip reads it."""
    return "".join(f"{w.name}=={w.version}\n" for w in sorted(wheels, key=lambda w: w.name.lower()))


def lock_hash(wheels: list[Wheel]) -> str:
    """Names the dependency layer: the same lock reuses it."""
    return hashlib.sha256(lock_text(wheels).encode()).hexdigest()[:16]
