"""The project config file (`jupyter-deploy.yaml`): find, load, validate, save.

Validation errors name the field and the offending value, because this file is edited by hand
and reviewed in git: "replicas: must be an integer from 1 to 32, got 'two'" beats a stack trace.
"""

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .atomic import atomic_write_text
from .errors import ConfigError, DeployError
from .paths import resolve_inside

CONFIG_FILE_NAME = "jupyter-deploy.yaml"
DEFAULT_BASE_IMAGE = "python:3.11-slim"
MAX_REPLICAS = 32

_MODEL_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_IMAGE_REF = re.compile(r"^[a-z0-9][a-z0-9._/-]*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")
_MEMORY = re.compile(r"^[1-9][0-9]*(?:Ki|Mi|Gi)$")
_SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


@dataclass(frozen=True)
class Resources:
    cpus: float | None = None
    memory: str | None = None


@dataclass(frozen=True)
class ProjectConfig:
    model: str
    notebook: str
    artifacts: tuple[str, ...]
    metrics: str
    data: tuple[str, ...] = ()
    target: str = "auto"
    base_image: str = DEFAULT_BASE_IMAGE
    replicas: int = 1
    resources: Resources = field(default_factory=Resources)
    secrets: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["artifacts"] = list(self.artifacts)
        data["data"] = list(self.data)
        data["secrets"] = list(self.secrets)
        data["resources"] = {k: v for k, v in data["resources"].items() if v is not None}
        return data


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


def is_image_reference(value: Any) -> bool:
    """`python:3.11-slim`, `registry/name:tag`, `name@sha256:…`: what `base_image` may be."""
    return isinstance(value, str) and _IMAGE_REF.match(value) is not None


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise ConfigError(f"duplicate key {key!r} at line {mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def find_project(start: Path, root: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` holding the config file, not climbing past `root`."""
    current = start.resolve()
    stop = root.resolve() if root is not None else None
    while True:
        if (current / CONFIG_FILE_NAME).is_file():
            return current
        if current == stop or current.parent == current:
            return None
        current = current.parent


def load_config(project_dir: Path) -> ProjectConfig:
    path = project_dir / CONFIG_FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{CONFIG_FILE_NAME} not found in {project_dir}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {CONFIG_FILE_NAME}: {exc}") from None
    return parse_config(text, project_dir)


def parse_config(text: str, project_dir: Path) -> ProjectConfig:
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}") from None
    if data is None:
        raise ConfigError("the file is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"must be a mapping of settings, got {_kind(data)}")
    return validate_config(data, project_dir)


def validate_config(data: dict[str, Any], project_dir: Path) -> ProjectConfig:
    allowed = {f for f in ProjectConfig.__dataclass_fields__}
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    for required in ("model", "notebook", "artifacts", "metrics"):
        if data.get(required) is None:
            raise ConfigError("is required", required)

    model = _string(data, "model")
    if not _MODEL_NAME.match(model):
        raise ConfigError(
            f"must be 1-63 lowercase letters, digits or '-', not starting or ending with '-',"
            f" got {model!r}",
            "model",
        )
    notebook = _project_path(data, "notebook", project_dir)
    if not notebook.endswith(".ipynb"):
        raise ConfigError(f"must name a .ipynb file, got {notebook!r}", "notebook")
    if not (project_dir / notebook).is_file():
        raise ConfigError(f"{notebook!r} does not exist in the project", "notebook")

    raw_artifacts = data["artifacts"]
    if not isinstance(raw_artifacts, list) or not raw_artifacts:
        raise ConfigError(
            f"must be a non-empty list of paths, got {_kind(raw_artifacts)}", "artifacts"
        )
    artifacts = tuple(
        _project_path({"x": item}, "x", project_dir, label=f"artifacts[{i}]")
        for i, item in enumerate(raw_artifacts)
    )
    metrics = _project_path(data, "metrics", project_dir)
    if not metrics.endswith(".json"):
        raise ConfigError(f"must name a .json file, got {metrics!r}", "metrics")

    inputs = _data_files(data.get("data"), project_dir, {*artifacts, metrics})

    target = data.get("target", "auto")
    # The registered targets (plug-ins included), read when a config is: installing one counts.
    from .targets import registry

    if target not in registry.choices():
        choices = ", ".join(registry.choices())
        raise ConfigError(f"must be one of {choices}, got {target!r}", "target")
    base_image = data.get("base_image", DEFAULT_BASE_IMAGE)
    if not is_image_reference(base_image):
        raise ConfigError(
            f"must be an image reference like 'python:3.11-slim', got {base_image!r}", "base_image"
        )

    replicas = data.get("replicas", 1)
    if (
        isinstance(replicas, bool)
        or not isinstance(replicas, int)
        or not 1 <= replicas <= MAX_REPLICAS
    ):
        raise ConfigError(
            f"must be an integer from 1 to {MAX_REPLICAS}, got {replicas!r}", "replicas"
        )

    return ProjectConfig(
        model=model,
        notebook=notebook,
        artifacts=artifacts,
        metrics=metrics,
        data=inputs,
        target=str(target),
        base_image=base_image,
        replicas=replicas,
        resources=_resources(data.get("resources")),
        secrets=_secrets(data.get("secrets")),
    )


def save_config(project_dir: Path, config: ProjectConfig) -> None:
    text = yaml.safe_dump(config.to_dict(), sort_keys=False, default_flow_style=False)
    atomic_write_text(project_dir / CONFIG_FILE_NAME, text)


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _string(data: dict[str, Any], key: str, label: str | None = None) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"must be a non-empty string, got {value!r}", label or key)
    return value


def _project_path(
    data: dict[str, Any], key: str, project_dir: Path, label: str | None = None
) -> str:
    name = label or key
    value = _string(data, key, name)
    try:
        resolve_inside(project_dir, value)
    except DeployError as exc:
        raise ConfigError(f"must be a path inside the project ({exc.message})", name) from None
    return Path(value).as_posix()


def _data_files(raw: Any, project_dir: Path, outputs: set[str]) -> tuple[str, ...]:
    """The data files the notebook reads; versions record (and DVC-track) them."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"must be a list of files the notebook reads, got {_kind(raw)}", "data")
    paths: list[str] = []
    for i, item in enumerate(raw):
        label = f"data[{i}]"
        path = _project_path({"x": item}, "x", project_dir, label=label)
        if path in outputs:
            raise ConfigError(f"{path!r} is an output (artifacts or metrics), not data", label)
        if path in paths:
            raise ConfigError(f"{path!r} is listed twice", label)
        if (project_dir / path).is_dir():
            raise ConfigError(f"{path!r} is a folder: list the files in it", label)
        paths.append(path)
    return tuple(paths)


def _resources(raw: Any) -> Resources:
    if raw is None:
        return Resources()
    if not isinstance(raw, dict):
        raise ConfigError(
            f"must be a mapping with cpus and/or memory, got {_kind(raw)}", "resources"
        )
    unknown = sorted(str(k) for k in raw if k not in ("cpus", "memory"))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)}; allowed: cpus, memory", "resources"
        )
    cpus = raw.get("cpus")
    if cpus is not None and (
        isinstance(cpus, bool) or not isinstance(cpus, int | float) or not 0 < cpus <= 256
    ):
        raise ConfigError(
            f"must be a number above 0 and at most 256, got {cpus!r}", "resources.cpus"
        )
    memory = raw.get("memory")
    if memory is not None and (not isinstance(memory, str) or not _MEMORY.match(memory)):
        raise ConfigError(f"must look like 512Mi or 2Gi, got {memory!r}", "resources.memory")
    return Resources(cpus=float(cpus) if cpus is not None else None, memory=memory)


def _secrets(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"must be a list of secret names, got {_kind(raw)}", "secrets")
    names: list[str] = []
    for i, item in enumerate(raw):
        if not isinstance(item, str) or not _SECRET_NAME.match(item):
            raise ConfigError(
                f"must be a name like DB_PASSWORD (letters, digits, '_'), got {item!r}"
                " - secret values never go in this file",
                f"secrets[{i}]",
            )
        if item in names:
            raise ConfigError(f"{item!r} is listed twice", f"secrets[{i}]")
        names.append(item)
    return tuple(names)
