"""The service module exported from `serve` cells, and errors for notebooks that cannot serve."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from service_fixtures import EXAMPLES, train_iris_model

from jupyter_deploy.builds.export import NotebookError, export_service


def notebook(*cells: tuple[str, list[str]]) -> dict[str, Any]:
    return dict(
        new_notebook(
            cells=[
                new_markdown_cell("# title"),
                *(new_code_cell(source, metadata={"tags": tags}) for source, tags in cells),
            ]
        )
    )


def test_the_example_exports_a_module_that_serves(tmp_path: Path) -> None:
    """The exported module, alone in a fresh interpreter, loads a model the notebook's own
    training code wrote and answers the recorded kind of request."""
    source = export_service(
        json.loads((EXAMPLES / "train.ipynb").read_text()), "train.ipynb", "iris-classifier@v1"
    )
    assert source.startswith('"""iris-classifier@v1: the `serve` cells of train.ipynb."""\n')
    assert "RandomForestClassifier" not in source  # training cells stay out
    (tmp_path / "service.py").write_text(source)
    model_dir = tmp_path / "model-files"
    train_iris_model(model_dir)
    serve = (
        "import json, service\n"
        "service.load()\n"
        "print(json.dumps(service.predict([{'sepal_length': 5.1, 'sepal_width': 3.5,"
        " 'petal_length': 1.4, 'petal_width': 0.2}])))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", serve],
        cwd=tmp_path,
        env={"JUPYTER_DEPLOY_MODEL_DIR": str(model_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (answer,) = json.loads(done.stdout)
    assert answer["species"] == "setosa"
    assert 0.5 < answer["probability"] <= 1.0


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ((("def predict(x): ...", []),), "no cell is tagged `serve`"),
        ((("import os", ["serve"]),), "define no load() and no predict()"),
        (
            (("def load(): ...", ["serve"]), ("def predict(x): ...", ["other"])),
            "define no predict()",
        ),
        (
            (("def load(): ...", ["serve"]), ("def predict(x:\n  ...", ["serve"])),
            "nb.ipynb, cell 3 (tagged `serve`), line 1",
        ),
        (
            (
                ("%matplotlib inline\ndef load(): ...", ["serve"]),
                ("def predict(x): ...", ["serve"]),
            ),
            "cell 2 (tagged `serve`), line 1: `%matplotlib inline` is IPython syntax",
        ),
        (
            (("def load(): ...\n!pip install x", ["serve"]), ("def predict(x): ...", ["serve"])),
            "line 2: `!pip install x` is IPython syntax",
        ),
    ],
)
def test_what_cannot_serve_is_named_with_how_to_fix_it(
    cells: tuple[tuple[str, list[str]], ...], message: str
) -> None:
    with pytest.raises(NotebookError) as caught:
        export_service(notebook(*cells), "nb.ipynb")
    assert message in caught.value.message
    assert caught.value.code == "invalid_notebook"


def test_a_nested_predict_does_not_count() -> None:
    cells = (("def load(): ...\nif True:\n    def predict(x): ...", ["serve"]),)
    with pytest.raises(NotebookError, match=r"define no predict\(\)"):
        export_service(notebook(*cells), "nb.ipynb")
