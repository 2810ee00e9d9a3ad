"""The serving schema read from `serve` cells, and what counts as a breaking change."""

import json
from pathlib import Path
from typing import Any

from nbformat.v4 import new_code_cell, new_notebook

from jupyter_deploy.schema import infer_schema, schema_changes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def notebook(*serve: str, other: str = "predict = None") -> dict[str, Any]:
    cells = [new_code_cell(other), *(new_code_cell(s, metadata={"tags": ["serve"]}) for s in serve)]
    return dict(new_notebook(cells=cells))


def test_the_example_notebooks_api_comes_from_its_typed_dicts() -> None:
    schema = infer_schema(json.loads((EXAMPLES / "train.ipynb").read_text()))
    assert schema is not None
    assert schema["source"] == "type hints"
    items = schema["input"]["items"]
    assert schema["input"]["type"] == "array"
    assert items["title"] == "IrisFeatures"
    assert items["required"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert items["additionalProperties"] is False
    assert schema["output"]["items"]["properties"] == {
        "species": {"type": "string"},
        "probability": {"type": "number"},
    }


def test_typing_forms_map_to_json_schema() -> None:
    schema = infer_schema(
        notebook(
            "from dataclasses import dataclass\n"
            "from typing import Literal, NotRequired, Optional, TypedDict\n"
            "import numpy as np\n"
            "Vector = list[float]\n"
            "class Options(TypedDict, total=False):\n    top_k: int\n"
            "class Row(TypedDict):\n"
            "    kind: Literal['a', 'b']\n    note: NotRequired[str]\n    when: 'str | None'\n"
            "@dataclass\nclass Point:\n    x: float\n    y: float = 0.0\n",
            "def predict(rows: list[Row], v: Vector, p: Point, o: Optional[Options] = None,"
            " *, raw: np.ndarray, scale: dict[str, float] | None = None) -> tuple[int, str]:\n"
            "    ...",
        )
    )
    assert schema is not None
    body = schema["input"]
    assert body["required"] == ["rows", "v", "p", "raw"]
    props = body["properties"]
    row = props["rows"]["items"]
    assert row["properties"]["kind"] == {"enum": ["a", "b"]}
    assert row["properties"]["when"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert row["required"] == ["kind", "when"]
    assert props["v"] == {"type": "array", "items": {"type": "number"}}
    assert props["p"]["required"] == ["x"]
    assert props["o"]["anyOf"][0]["required"] == []
    assert props["raw"] == {"x-python": "np.ndarray"}
    assert props["scale"]["anyOf"][0] == {
        "type": "object",
        "additionalProperties": {"type": "number"},
    }
    assert schema["output"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]


def test_without_hints_the_input_example_describes_the_api() -> None:
    example = [{"a": 1, "b": "x"}, {"a": 2.5}]
    schema = infer_schema(notebook("def predict(records):\n    return records"), example)
    assert schema is not None
    assert schema["source"] == "input example"
    assert schema["input"] == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "string"}},
            "required": ["a"],
        },
    }
    assert schema["example"] == example
    assert schema["output"] is None


def test_no_predict_or_broken_cells_give_no_schema() -> None:
    assert infer_schema(notebook("def load():\n    pass")) is None
    assert infer_schema(notebook("def predict(x:\n")) is None
    # Only serve cells count: a predict elsewhere in the notebook is not the API.
    assert infer_schema(notebook("x = 1", other="def predict(x: int) -> int: ...")) is None


def api(fields: dict[str, str], required: list[str], out: dict[str, str]) -> dict[str, Any]:
    def obj(props: dict[str, str], req: list[str]) -> dict[str, Any]:
        properties = {k: {"type": t} for k, t in props.items()}
        return {"type": "object", "properties": properties, "required": req}

    return {
        "input": {"type": "array", "items": obj(fields, required)},
        "output": {"type": "array", "items": obj(out, list(out))},
    }


def test_removed_retyped_or_newly_required_inputs_break_clients() -> None:
    old = api({"a": "number", "b": "string", "c": "integer"}, ["a", "b"], {"label": "string"})
    new = api(
        {"a": "string", "c": "number", "d": "integer", "e": "string"},
        ["a", "c", "d"],
        {"label": "string", "score": "number"},
    )
    result = schema_changes(old, new)
    assert result["breaking"] is True
    found = {(c["side"], c["path"], c["change"], c["breaking"]) for c in result["changes"]}
    assert found == {
        ("input", "[].a", "retyped", True),
        ("input", "[].b", "removed", True),
        ("input", "[].c", "required", True),
        ("input", "[].c", "retyped", False),  # integer -> number accepts every old request
        ("input", "[].d", "required", True),
        ("input", "[].e", "added", False),
        ("output", "[].score", "added", False),
    }
    retyped = next(c for c in result["changes"] if c["path"] == "[].a")
    assert (retyped["old"], retyped["new"]) == ("number", "string")


def test_compatible_changes_are_not_breaking() -> None:
    old = api({"a": "number"}, ["a"], {"label": "string", "score": "number"})
    same = schema_changes(old, old)
    assert same == {"breaking": False, "changes": []}
    extended = api({"a": "number", "b": "string"}, ["a"], {"label": "string", "score": "integer"})
    assert schema_changes(old, extended)["breaking"] is False
    shrunk = api({"a": "number"}, ["a"], {"label": "string"})
    assert schema_changes(old, shrunk)["changes"] == [
        {
            "side": "output",
            "path": "[].score",
            "change": "removed",
            "old": "number",
            "new": None,
            "breaking": True,
        }
    ]
    assert schema_changes(None, old) == {"breaking": False, "changes": []}
