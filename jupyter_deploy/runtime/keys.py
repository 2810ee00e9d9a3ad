"""API keys: the server keeps only their sha256 digests (one per line in a keys file), so a
leaked file or image never gives a usable key."""

import hashlib
import re
import secrets
from pathlib import Path

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def new_key() -> tuple[str, str]:
    """(key to hand to a client, digest to store)."""
    key = secrets.token_urlsafe(32)
    return key, digest(key)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def read_digests(path: Path) -> frozenset[str]:
    """The digests in a keys file; blank lines and `#` comments are skipped. A line that is not a
    digest (a key pasted by mistake, say) is refused by number, never shown."""
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not _DIGEST.match(text):
            raise ValueError(
                f"{path}, line {number}: not a sha256 digest (64 hex characters); the file holds"
                " digests of API keys, never the keys themselves"
            )
        found.add(text)
    return frozenset(found)
