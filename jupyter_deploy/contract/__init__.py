"""The REST answers' shapes, as typed dicts: what handlers and services return, field for field.

docs/openapi.yaml is the contract; `tests/test_contract_models.py` checks that every model here has
exactly its schema's fields, required where the schema requires them, so neither drifts. Typed
dicts rather than classes: the services build plain dicts already (rows, JSON read back from git
tags), and a typed dict types them without copying or converting anything.

Two-step classes (`_XBase` with the required fields, `X(_XBase, total=False)` with the optional
ones) because `NotRequired` needs Python 3.11.
"""

from . import builds, common, deployments, runs, versions

AREAS = (common, runs, versions, builds, deployments)
__all__ = ["AREAS", "builds", "common", "deployments", "runs", "versions"]
