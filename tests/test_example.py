"""The example project really works: papermill runs it in a real kernel, and its `serve` cells
stand on their own, as the service module will."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import papermill

from jupyter_deploy.config import load_config


def _serve_source(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    cells = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "serve" in c.metadata.get("tags", [])
    ]
    assert cells, "the example must have cells tagged 'serve'"
    return "\n\n".join(cells)


def test_notebook_runs_with_parameters_and_writes_its_outputs(example_project: Path) -> None:
    config = load_config(example_project)
    notebook = example_project / config.notebook
    nb = nbformat.read(notebook, as_version=4)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)

    papermill.execute_notebook(
        str(notebook),
        str(example_project / "out.ipynb"),
        parameters={"max_depth": 2},
        cwd=str(example_project),
        kernel_name="python3",
        progress_bar=False,
    )

    for artifact in config.artifacts:
        assert (example_project / artifact).stat().st_size > 0, artifact
    metrics = json.loads((example_project / config.metrics).read_text())
    assert 0.5 < metrics["accuracy"] <= 1.0
    executed = nbformat.read(example_project / "out.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "max_depth = 2" in injected[0].source

    # The serve cells alone, in a fresh interpreter, with only the model folder to go on.
    module = example_project / "service.py"
    module.write_text(_serve_source(notebook))
    example = next(a for a in config.artifacts if a.endswith(".json"))
    script = textwrap.dedent(
        f"""
        import json, runpy
        ns = runpy.run_path({str(module)!r})
        ns["load"]()
        records = json.load(open({str(example_project / example)!r}))
        print(json.dumps(ns["predict"](records)))
        """
    )
    env = {**os.environ, "JUPYTER_DEPLOY_MODEL_DIR": str(example_project)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    predictions = json.loads(done.stdout)
    assert predictions
    assert all(isinstance(p, dict) and p for p in predictions)
