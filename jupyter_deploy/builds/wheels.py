"""Wheels for the image, resolved on the host: `pip download` for the image's Python and
platform, with the host's own index and proxy settings. The build then installs them offline,
so an image build needs no network and works behind proxies. The wheels found are the lock."""

import hashlib
import platform
import re
import subprocess
import sys
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
    wheels = []
    for file in sorted(dest.glob("*.whl")):
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
