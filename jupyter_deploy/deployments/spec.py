"""What a deploy or an update asks for, checked once where it comes in (the REST body, the
command line, a Python caller) with the constrained types every edge shares (`fields.py`), and
carried as is into the operation: nothing below checks it again."""

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InvalidInput
from ..fields import DeploymentName, MaxBatch, Replicas, TargetName, VersionRef, describe


class DeploySpec(BaseModel):
    # Unknown fields are refused: a typo must not silently fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: VersionRef  # MODEL@vN
    name: DeploymentName | None = None  # default: the model's name
    replicas: Replicas | None = None  # default: the deployment's count, else the config's
    target: TargetName | None = None  # default: the config's; a registered target or auto
    max_batch: MaxBatch | None = None  # default: the deployment's, else 1

    @classmethod
    def checked(cls, **values: Any) -> "DeploySpec":
        """The spec of `values`, or InvalidInput naming each refused field (never its value)."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            fields = {field.alias or name for name, field in cls.model_fields.items()}
            raise InvalidInput(describe(exc, fields, "deploy")) from None
