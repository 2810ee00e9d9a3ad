"""The REST answers about versions (see the package docstring)."""

from typing import Literal, TypedDict

from .common import FileStorage, JSONObject, JSONValue

# ----------------------------------------------------------------------------------- versions


class _VersionFileBase(TypedDict):
    path: str
    md5: str
    size: int


class VersionFile(_VersionFileBase, total=False):
    storage: FileStorage  # absent on versions made before data files were recorded


class DataFile(TypedDict):
    path: str
    md5: str
    size: int
    storage: FileStorage


class _ServingSchemaBase(TypedDict):
    function: str
    input: JSONObject
    output: JSONObject | None
    source: Literal["type hints", "input example"]


class ServingSchema(_ServingSchemaBase, total=False):
    example: JSONValue


class VersionEnvironment(TypedDict, total=False):
    python: str
    executable: str
    packages: dict[str, str]
    package_count: int


class Author(TypedDict):
    name: str
    email: str


class _VersionBase(TypedDict):
    model: str
    version: str
    tag: str
    run_id: str
    sweep_id: str | None
    notebook: str
    parameters: JSONObject
    metrics: JSONObject
    files: list[VersionFile]
    data: list[DataFile]
    environment: VersionEnvironment | None
    author: Author
    created_at: str
    source_commit: str


class Version(_VersionBase, total=False):
    schema: ServingSchema | None  # one version (GET)
    stages: list[str]  # listings
    commit: str  # the answer to a promotion


class VersionList(TypedDict):
    project: str
    model: str
    versions: list[Version]


class _ChangeBase(TypedDict):
    old: JSONValue
    new: JSONValue


class Change(_ChangeBase, total=False):
    delta: float


class HashChange(TypedDict):
    old: str | None
    new: str | None


class SchemaChange(TypedDict):
    side: Literal["input", "output"]
    path: str
    change: Literal["added", "removed", "retyped", "required"]
    old: str | None
    new: str | None
    breaking: bool


class SchemaChanges(TypedDict):
    breaking: bool
    changes: list[SchemaChange]


class CellChange(TypedDict):
    cell_id: str
    change: Literal["added", "removed", "modified"]
    diff: str


class VersionDiff(TypedDict):
    old: str
    new: str
    parameters: dict[str, Change]
    metrics: dict[str, Change]
    files: dict[str, HashChange]
    data: dict[str, HashChange]
    schema: SchemaChanges
    cells: list[CellChange]


class _RestoreFileBase(TypedDict):
    path: str
    md5: str
    size: int
    action: Literal["create", "overwrite", "unchanged"]
    current_md5: str | None


class RestoreFile(_RestoreFileBase, total=False):
    storage: FileStorage
    saved_as: str  # after a restore


class RestorePlan(TypedDict):
    version: str
    files: list[RestoreFile]


class VersionNotebook(TypedDict):
    path: str


class StageAssignment(TypedDict):
    stage: str
    version: str
    tag: str
    number: int
    author: Author
    assigned_at: str


class Stages(TypedDict):
    current: dict[str, str]
    history: list[StageAssignment]
