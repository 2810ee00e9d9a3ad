"""A version's `serve` cells as the service module, through nbconvert's Python exporter, checked
for what the runtime needs before any image is built: `load()` and `predict(...)` defined at top
level, valid Python, no IPython magics (there is no IPython in the service). Each problem names
the cell (as JupyterLab numbers them, from 1) and says how to fix it."""

import ast
from typing import Any

import nbformat
from nbconvert.exporters import PythonExporter
from nbconvert.filters import ipython2python

from ..errors import InvalidInput
from ..schema.infer import ENTRY_POINT, SERVE_TAG

LOADER = "load"
SERVICE_MODULE = "service.py"
_TAG_HELP = (
    "select the cell, open the Property Inspector (the gear icon in the right sidebar) and add"
    f" the tag `{SERVE_TAG}`"
)


class NotebookError(InvalidInput):
    """The notebook cannot become a service; the message says what to change."""

    code = "invalid_notebook"


def export_service(notebook: dict[str, Any], name: str, header: str = "") -> str:
    """The service module's source. `name` names the notebook in errors; `header` (a line such
    as the version's tag) goes into the module's docstring."""
    cells = [
        (number, cell)
        for number, cell in enumerate(notebook.get("cells", []), start=1)
        if cell.get("cell_type") == "code" and SERVE_TAG in cell.get("metadata", {}).get("tags", [])
    ]
    if not cells:
        raise NotebookError(
            f"{name}: no cell is tagged `{SERVE_TAG}`. The service is built from the cells that"
            f" hold its imports, {LOADER}() and {ENTRY_POINT}(...): {_TAG_HELP}."
        )
    defined: set[str] = set()
    for number, cell in cells:
        defined |= _check_cell(name, number, _source(cell))
    missing = [f for f in (LOADER, ENTRY_POINT) if f not in defined]
    if missing:
        absent = " and no ".join(f"{f}()" for f in missing)
        raise NotebookError(
            f"{name}: the `{SERVE_TAG}` cells define no {absent}."
            f" Define {LOADER}() (reads the model files once) and {ENTRY_POINT}(...) (type-hinted)"
            f" at the top level of a cell and tag it `{SERVE_TAG}` ({_TAG_HELP})."
        )
    served = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(_source(cell)) for _, cell in cells],
        metadata=notebook.get("metadata", {}),
    )
    body, _ = PythonExporter(exclude_input_prompt=True).from_notebook_node(served)
    docstring = f'"""{header or "Service module"}: the `{SERVE_TAG}` cells of {name}."""\n'
    return docstring + body.split("\n", 2)[-1].lstrip("\n")  # drop the exporter's shebang


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _check_cell(name: str, number: int, source: str) -> set[str]:
    """The top-level functions a serve cell defines; NotebookError when it cannot run outside
    a notebook."""
    python = ipython2python(source)
    try:
        tree = ast.parse(python)
    except SyntaxError as exc:
        raise NotebookError(
            f"{name}, cell {number} (tagged `{SERVE_TAG}`), line {exc.lineno}: {exc.msg}"
        ) from None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call)
            and getattr(node.func.value.func, "id", None) == "get_ipython"
        ):
            line = source.splitlines()[node.lineno - 1].strip()
            raise NotebookError(
                f"{name}, cell {number} (tagged `{SERVE_TAG}`), line {node.lineno}: `{line}` is"
                " IPython syntax (a magic or shell command), which the service cannot run; move"
                f" it to an untagged cell or write it in plain Python"
            )
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
