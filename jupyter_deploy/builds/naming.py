"""Names of a project's version images: `jupyter-deploy/<project id>/<model>:vN`.

An engine has one namespace for every project on the machine, and two projects may well have a
model of the same name: the project id keeps their images apart. It is a random id kept in the
project's state store (`meta`), made on first use: it stays with the project when its folder is
moved or renamed, and a clone (whose store is its own) gets another. A tag still moves when a
version is rebuilt, so replicas are started by image id, never by this name."""

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from ..store.schema import meta

IMAGE_REPOSITORY = "jupyter-deploy"
PROJECT_ID_KEY = "project_id"
PROJECT_LABEL = "io.jupyter-deploy.project"


def project_id(store: Any) -> str:
    """The project's id (12 hex digits), made once; concurrent first uses agree on one."""
    with store.engine.begin() as conn:
        conn.execute(
            insert(meta)
            .values(key=PROJECT_ID_KEY, value=secrets.token_hex(6))
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return str(conn.execute(select(meta.c.value).where(meta.c.key == PROJECT_ID_KEY)).scalar())


def image_repository(project: str, model: str) -> str:
    """`project`: the project's id."""
    return f"{IMAGE_REPOSITORY}/{project}/{model}"


def image_tag(project: str, version: dict[str, Any]) -> str:
    return f"{image_repository(project, str(version['model']))}:{version['version']}"
