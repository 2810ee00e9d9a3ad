"""Whether Jupyter's identity provider names a real user, or made one up.

Jupyter Server's stock providers sign every token or password login of a single-user server in
as a random user: `IdentityProvider.generate_anonymous_user` gives it a uuid4 hex username and
the name "Anonymous <moon of Jupyter>", different in each browser session. Recording that name
would sign runs and versions with nobody; such a user counts as no user, and the project's git
identity is recorded instead (see `jupyter_deploy.identity`)."""

import re
import socket
from typing import Any

from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.auth.utils import moons_of_jupyter

from ..identity import Identity

_UUID4_HEX = re.compile(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}")
_GENERATED_NAMES = frozenset(f"Anonymous {moon}" for moon in moons_of_jupyter)


def is_generated(provider: Any, user: Any) -> bool:
    """`user` is one `provider` made up with the stock `generate_anonymous_user`, unrenamed.

    Each part is needed: a provider that overrides the method (JupyterHub's, a custom one) makes
    its own users; a real account's username is not a uuid4; and a user who set a name through
    Jupyter's `PATCH /api/me` has told us who they are."""
    generator = getattr(type(provider), "generate_anonymous_user", None)
    if generator is not IdentityProvider.generate_anonymous_user:
        return False
    username = str(getattr(user, "username", "") or "")
    name = getattr(user, "name", None)
    return (
        _UUID4_HEX.fullmatch(username) is not None
        and name in _GENERATED_NAMES
        and getattr(user, "display_name", name) == name
    )


def named_user(provider: Any, user: Any) -> Identity | None:
    """The identity of a real Jupyter user, or None for an anonymous or made-up one."""
    if user is None or is_generated(provider, user):
        return None
    username = str(getattr(user, "username", "") or "")
    # The display name is what people recognise in the runs table.
    name = next(
        (str(v) for a in ("display_name", "name", "username") if (v := getattr(user, a, None))),
        "",
    )
    if not name:
        return None
    # Jupyter users carry no e-mail address and git needs one: the user at this server's host.
    return Identity(name, f"{username or name}@{socket.gethostname()}", "jupyter")
