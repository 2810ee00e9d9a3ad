"""The build's smoke test: the exported service really loads and predicts, and what it imported
on the way is the service's requirement list."""

import json
from pathlib import Path

import pytest
from service_fixtures import EXAMPLES, train_iris_model

from jupyter_deploy.builds.export import export_service
from jupyter_deploy.builds.smoke import SmokeTestFailed, smoke_test

FLOWER = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def test_the_example_needs_what_its_model_pulls_in_and_no_notebook_tooling(tmp_path: Path) -> None:
    notebook = json.loads((EXAMPLES / "train.ipynb").read_text())
    (tmp_path / "service.py").write_text(export_service(notebook, "train.ipynb"))
    train_iris_model(tmp_path)
    result = smoke_test(tmp_path, [FLOWER])
    assert result.answer[0]["species"] == "setosa"
    # joblib unpickles a scikit-learn model: scikit-learn is needed though never imported.
    assert {"joblib", "numpy", "scikit-learn", "scipy"} <= set(result.needs)
    assert not {"ipykernel", "papermill", "jupyterlab", "nbformat", "jupyter_deploy"} & set(
        result.needs
    )
    assert "numpy==" + result.needs["numpy"] in result.requirements()
    assert not (tmp_path / ".smoke-example.json").exists()


@pytest.mark.parametrize(
    ("source", "last_line"),
    [
        (
            "def load():\n    raise RuntimeError('model file is corrupt')\n"
            "def predict(x):\n    return x\n",
            "RuntimeError: model file is corrupt",
        ),
        (
            "def load():\n    pass\ndef predict(x):\n    return x[0]['missing']\n",
            "KeyError: 'missing'",
        ),
        ("import not_a_real_module\ndef load(): pass\ndef predict(x): return x\n",
         "ModuleNotFoundError: No module named 'not_a_real_module'"),
    ],
)  # fmt: skip
def test_a_failing_service_stops_with_its_own_traceback(
    tmp_path: Path, source: str, last_line: str
) -> None:
    (tmp_path / "service.py").write_text(source)
    with pytest.raises(SmokeTestFailed) as caught:
        smoke_test(tmp_path, [{"x": 1}])
    assert caught.value.message.endswith(last_line)
    assert 'service.py", line' in caught.value.traceback


READS_TOKEN = (
    "import os\n"
    "def load():\n    global token\n    token = os.environ['{name}']\n"
    "def predict(x):\n    return len(token)\n"
)


def test_the_smoke_test_sees_declared_secrets_and_nothing_else_of_the_servers_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set where the server runs, never declared: the model must not get it, here or deployed.
    monkeypatch.setenv("JD_UNDECLARED_TOKEN", "from-the-server")
    monkeypatch.setenv("JUPYTER_TOKEN", "the-servers-own")
    (tmp_path / "service.py").write_text(READS_TOKEN.format(name="JD_UNDECLARED_TOKEN"))
    with pytest.raises(SmokeTestFailed) as caught:
        smoke_test(tmp_path, [{"x": 1}], secrets={"OTHER": "x"})
    message = caught.value.message
    assert "KeyError: 'JD_UNDECLARED_TOKEN'" in message
    assert "not a declared secret" in message
    assert "set in the server's environment" in message
    assert "from-the-server" not in message + caught.value.traceback

    (tmp_path / "service.py").write_text(
        READS_TOKEN.format(name="JD_DECLARED").replace(
            "return len(token)", "return [len(token), sorted(os.environ)]"
        )
    )
    length, names = smoke_test(tmp_path, [{"x": 1}], secrets={"JD_DECLARED": "12345"}).answer
    assert length == 5
    assert "JD_DECLARED" in names
    assert not {"JUPYTER_TOKEN", "JD_UNDECLARED_TOKEN"} & set(names)
    # A KeyError of the model's own data is not taken for a missing variable.
    (tmp_path / "service.py").write_text(
        "def load(): pass\ndef predict(x):\n    return x[0]['JD_UNDECLARED_TOKEN']\n"
    )
    with pytest.raises(SmokeTestFailed) as caught:
        smoke_test(tmp_path, [{"x": 1}])
    assert caught.value.message.endswith("KeyError: 'JD_UNDECLARED_TOKEN'")
