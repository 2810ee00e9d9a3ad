"""Read a notebook's `parameters` cell and check values against the types of its defaults."""

import ast
import io
import json
import math
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, NotFound

PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # int | float | str | bool | list | dict | any
    default: Any
    help: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _type_of(value: Any) -> str:
    for kind, name in (
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (str, "str"),
        (list, "list"),
        (tuple, "list"),
        (dict, "dict"),
    ):
        if isinstance(value, kind):
            return name
    return "any"


def _comments(source: str) -> dict[int, str]:
    found: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return found


def read_notebook(path: Path) -> dict[str, Any]:
    """A v4 notebook as plain JSON, sources joined into strings.

    Plain `json` rather than nbformat: nbformat's schema validation costs a second of imports in
    every CLI call, and only cells, tags, sources and the kernelspec are read here.
    """
    try:
        with path.open(encoding="utf-8") as handle:
            notebook = json.load(handle)
    except FileNotFoundError:
        raise NotFound(f"notebook {path.name!r} does not exist") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path.name} is not a readable notebook: {exc}") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise InvalidInput(f"{path.name} is not a notebook (no list of cells)")
    if notebook.get("nbformat") != 4:
        raise InvalidInput(
            f"{path.name} uses notebook format v{notebook.get('nbformat')}; open and save it in"
            " JupyterLab to upgrade it to v4"
        )
    for cell in notebook["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return notebook


def parameters_of(notebook: dict[str, Any], name: str = "notebook") -> list[Parameter]:
    """The parameters declared in the first cell tagged `parameters`, in order."""
    cell = next(
        (
            c
            for c in notebook["cells"]
            if c.get("cell_type") == "code"
            and PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if cell is None:
        raise InvalidInput(f"{name} has no cell tagged '{PARAMETERS_TAG}' (papermill's convention)")
    try:
        tree = ast.parse(cell.get("source", ""))
    except SyntaxError as exc:
        raise InvalidInput(
            f"the parameters cell of {name} is not valid Python: {exc.msg}"
        ) from None
    comments = _comments(cell.get("source", ""))
    found: list[Parameter] = []
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if not isinstance(target, ast.Name) or value is None:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = None  # an expression: papermill can still override it with any value
        kind = _type_of(default) if default is not None else "any"
        if isinstance(default, tuple):
            default = list(default)
        found.append(Parameter(target.id, kind, default, comments.get(node.lineno)))
    return found


def read_parameters(path: Path) -> list[Parameter]:
    return parameters_of(read_notebook(path), path.name)


def _check(param: Parameter, value: Any) -> Any:
    kind = param.type
    if kind == "any":
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise InvalidInput(f"{param.name}: expected true or false")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise InvalidInput(f"{param.name}: expected an integer")
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise InvalidInput(f"{param.name}: expected a finite number")
            return float(value)
        raise InvalidInput(f"{param.name}: expected a number")
    expected = {"str": str, "list": list, "dict": dict}[kind]
    if isinstance(value, expected):
        return value
    raise InvalidInput(f"{param.name}: expected a {kind}")


def check_values(declared: list[Parameter], values: dict[str, Any]) -> dict[str, Any]:
    """Values converted to the declared types; unknown names and wrong types are refused."""
    if not isinstance(values, dict):
        raise InvalidInput("parameters: expected an object of name: value")
    by_name = {p.name: p for p in declared}
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise InvalidInput(
                f"parameters: an unknown name; the notebook's parameters are: {known}"
            )
        checked[name] = _check(by_name[name], value)
    return checked


def parse_cli_value(text: str) -> Any:
    """A value typed on the command line: JSON when it parses (3, 0.5, true, "x"), else a string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
