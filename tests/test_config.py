from pathlib import Path

import pytest

from jupyter_deploy.config import (
    CONFIG_FILE_NAME,
    DEFAULT_BASE_IMAGE,
    find_project,
    load_config,
    parse_config,
    save_config,
)
from jupyter_deploy.errors import ConfigError

VALID = """
model: iris-classifier
notebook: train.ipynb
artifacts: [model/model.joblib]
metrics: metrics.json
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "train.ipynb").write_text("{}")
    return tmp_path


def test_example_project_config_is_valid(example_project: Path) -> None:
    config = load_config(example_project)
    assert config.model == "iris-classifier"
    assert config.notebook == "train.ipynb"
    assert config.metrics.endswith(".json")
    assert config.artifacts


def test_defaults(project: Path) -> None:
    config = parse_config(VALID, project)
    assert config.target == "auto"
    assert config.base_image == DEFAULT_BASE_IMAGE
    assert config.replicas == 1
    assert config.secrets == ()
    assert config.data == ()
    assert parse_config(VALID + "data: [in/a.csv]\n", project).data == ("in/a.csv",)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("replicas: two", "replicas: must be an integer from 1 to 32, got 'two'"),
        ("replicas: 0", "replicas: must be an integer from 1 to 32, got 0"),
        ("replicas: true", "replicas: must be an integer"),
        ("target: kubernetes", "target: must be one of auto, docker, local, got 'kubernetes'"),
        ("base_image: 'Not An Image'", "base_image: must be an image reference"),
        ("resources: {cpus: -1}", "resources.cpus: must be a number above 0"),
        ("resources: {memory: 1GB}", "resources.memory: must look like 512Mi or 2Gi, got '1GB'"),
        ("resources: {gpus: 1}", "resources: unknown setting(s) gpus"),
        ("secrets: [hunter2!]", "secrets[0]: must be a name like DB_PASSWORD"),
        ("secrets: [TOKEN, TOKEN]", "secrets[1]: 'TOKEN' is listed twice"),
        ("replica: 2", "unknown setting(s) replica; allowed:"),
        ("data: data.csv", "data: must be a list of files the notebook reads, got str"),
        ("data: [metrics.json]", "data[0]: 'metrics.json' is an output (artifacts or metrics)"),
        ("data: [a.csv, ./a.csv]", "data[1]: 'a.csv' is listed twice"),
        ("data: [../outside.csv]", "data[0]: must be a path inside the project"),
        ("data: [.]", "data[0]: '.' is a folder: list the files in it"),
    ],
)
def test_invalid_values_name_the_field(project: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(VALID + extra + "\n", project)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "must be a mapping of settings, got list"),
        ("model: [unclosed\n", "not valid YAML at line 2"),
        (VALID + "model: other\n", "duplicate key 'model' at line 6"),
        ("notebook: train.ipynb\nartifacts: [a]\nmetrics: m.json\n", "model: is required"),
        (VALID.replace("iris-classifier", "Iris_Classifier"), "model: must be 1-63 lowercase"),
        (VALID.replace("train.ipynb", "missing.ipynb"), "notebook: 'missing.ipynb' does not exist"),
        (
            VALID.replace("train.ipynb", "../train.ipynb"),
            "notebook: must be a path inside the project",
        ),
        (VALID.replace("[model/model.joblib]", "[]"), "artifacts: must be a non-empty list"),
        (
            VALID.replace("[model/model.joblib]", "[/etc/passwd]"),
            "artifacts[0]: must be a path inside",
        ),
        (VALID.replace("metrics.json", "metrics.csv"), "metrics: must name a .json file"),
    ],
)
def test_invalid_documents(project: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, project)
    assert message in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"{CONFIG_FILE_NAME} not found"):
        load_config(tmp_path)


def test_save_round_trips_and_leaves_no_temp_files(project: Path) -> None:
    config = parse_config(
        VALID + "replicas: 3\nresources: {cpus: 0.5, memory: 256Mi}\nsecrets: [API_TOKEN]\n",
        project,
    )
    save_config(project, config)
    assert load_config(project) == config
    assert sorted(p.name for p in project.iterdir()) == [CONFIG_FILE_NAME, "train.ipynb"]


def test_find_project_walks_up_but_not_past_root(example_project: Path) -> None:
    nested = example_project / "deep" / "er"
    nested.mkdir(parents=True)
    assert find_project(nested) == example_project.resolve()
    assert find_project(nested, root=example_project / "deep") is None
    assert find_project(example_project.parent) is None
