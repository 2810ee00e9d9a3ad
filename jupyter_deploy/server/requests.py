"""What each REST route accepts: its JSON body and its query and URL path arguments, as models
of the constrained types in `fields`. `BaseHandler.body` and `BaseHandler.params` validate them;
no handler checks a field of its own."""

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from ..deployments.spec import DeploySpec
from ..errors import InvalidInput
from ..fields import (
    BuildId,
    BuildsLimit,
    Concurrency,
    DeploymentName,
    ImageRef,
    LogOffset,
    LogTail,
    PathText,
    RunId,
    Seconds,
    Stage,
    VersionRef,
    describe,
)
from ..runs.records import STATUSES
from ..safe_json import JsonProblem
from ..safe_json import loads as loads_json

MAX_BODY_BYTES = 1024 * 1024

Model = TypeVar("Model", bound="Request")


class Request(BaseModel):
    # Unknown fields are refused: a typo must not silently fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


# Query and URL path arguments.
class Folder(Request):
    path: PathText = ""


class Notebook(Request):
    path: PathText


class Project(Request):
    project: PathText


class RunsQuery(Project):
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]


class RunQuery(Project):
    run_id: RunId


class RunAction(RunQuery):
    action: Literal["cancel", "rerun"]


class VersionPath(Request):
    version: VersionRef


class VersionQuery(Project, VersionPath):
    pass


class DiffQuery(Project):
    old: VersionRef
    new: VersionRef


class BuildsQuery(Project):
    version: VersionRef | None = None
    limit: BuildsLimit = 200


class BuildPath(Request):
    build_id: BuildId


class BuildQuery(Project, BuildPath):
    pass


class BuildLogQuery(BuildQuery):
    offset: LogOffset = 0


class DeploymentPath(Request):
    name: DeploymentName


class DeploymentQuery(Project, DeploymentPath):
    pass


class LogsQuery(DeploymentQuery):
    tail: LogTail = 200


# JSON bodies.
class ProjectBody(Project):
    pass


class RunBody(Request):
    notebook: PathText
    parameters: dict[str, Any] | None = None
    cell_timeout: Seconds | None = None
    time_limit: Seconds | None = None


class SweepBody(RunBody):
    mode: Literal["grid", "zip"] = "grid"
    concurrency: Concurrency | None = None


class PromoteBody(Project):
    run_id: RunId
    # `copy` in JSON: a second version of a run already promoted (BaseModel has a copy()).
    copy_run: StrictBool = Field(False, alias="copy")


class StageBody(Project):
    version: VersionRef
    stage: Stage


class BuildBody(Project):
    version: VersionRef
    base_image: ImageRef | None = None


class DeployBody(Project, DeploySpec):
    """The project, and the deploy spec the service takes as it is."""


def parse_body(model: type[Model], raw: bytes) -> Model:
    """The request body as `model`: a JSON object, at most MAX_BODY_BYTES, nested at most
    safe_json.MAX_DEPTH deep, holding only JSON that can be stored and sent back."""
    fields = names(model)
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput(f"request body: larger than {MAX_BODY_BYTES} bytes")
    try:
        data = loads_json(raw or b"{}")
    except JsonProblem as problem:
        top = problem.where[0] if problem.where else None
        name = top if isinstance(top, str) and top in fields else "request body"
        raise InvalidInput(f"{name}: {problem.what}") from None
    if not isinstance(data, dict):
        raise InvalidInput("request body: expected a JSON object")
    return validate(model, data, "request body")


def validate(model: type[Model], data: dict[str, Any], where: str, text: bool = False) -> Model:
    """`data` as `model`, or InvalidInput naming each refused field (never its value)."""
    try:
        return model.model_validate(data, context={"text": text})
    except ValidationError as exc:
        raise InvalidInput(describe(exc, names(model), where)) from None


def names(model: type[Request]) -> set[str]:
    """The names a caller uses for the model's fields."""
    return {field.alias or name for name, field in model.model_fields.items()}
