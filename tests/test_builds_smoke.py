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
