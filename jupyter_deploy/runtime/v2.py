"""The Open Inference Protocol (KServe V2) over REST, so standard V2 clients work unchanged. A
model whose API is a list of records is served column-wise: one input tensor per field (shape
`[N]` or `[N, 1]`), and answers with one output tensor per field of the result (or one tensor,
`output`, when predict returns plain values). Errors follow the protocol: `{"error": "..."}`."""

import numbers
import re
from typing import Any

from .validate import FieldError

_DATATYPES = {"number": "FP64", "integer": "INT64", "string": "BYTES", "boolean": "BOOL"}
_PATH = re.compile(r"^/v2/models/([^/]+)(?:/versions/([^/]+))?(/ready|/infer)?$")


class V2Error(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def match(path: str) -> tuple[str, str | None, str] | None:
    """(model, version or None, "" | "/ready" | "/infer") for a model route."""
    found = _PATH.match(path)
    return (found.group(1), found.group(2), found.group(3) or "") if found else None


def server_metadata(version: str) -> dict[str, Any]:
    return {"name": "jupyter-deploy", "version": version, "extensions": []}


def model_metadata(name: str, version: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "name": name,
        "versions": [version] if version else [],
        "platform": "jupyter-deploy",
        "inputs": _tensors((schema or {}).get("input")),
        "outputs": _tensors((schema or {}).get("output")),
    }


def _record_fields(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    items = (schema or {}).get("items") if (schema or {}).get("type") == "array" else None
    if isinstance(items, dict) and items.get("type") == "object":
        properties = items.get("properties")
        return properties if isinstance(properties, dict) else None
    return None


def _tensors(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    fields = _record_fields(schema)
    if fields is None:
        return []
    return [
        {"name": name, "datatype": _DATATYPES.get(str(sub.get("type")), "BYTES"), "shape": [-1]}
        for name, sub in fields.items()
    ]


def records_from(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The records a V2 infer request carries, and its id."""
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        raise V2Error(400, "expected an object with 'inputs': a list of tensors")
    columns: dict[str, list[Any]] = {}
    for index, tensor in enumerate(body["inputs"]):
        if not isinstance(tensor, dict) or not isinstance(tensor.get("name"), str):
            raise V2Error(400, f"inputs[{index}]: expected a tensor with a name")
        data, shape = tensor.get("data"), tensor.get("shape")
        if not isinstance(data, list) or not isinstance(shape, list):
            raise V2Error(400, f"input {tensor['name']!r}: 'data' and 'shape' must be lists")
        flat = _flatten(data)
        if not shape or shape[0] != len(flat) or any(d != 1 for d in shape[1:]):
            raise V2Error(
                400,
                f"input {tensor['name']!r}: expected shape [N] or [N, 1] with N values,"
                f" got shape {shape} with {len(flat)} values",
            )
        columns[tensor["name"]] = flat
    sizes = {len(c) for c in columns.values()}
    if len(sizes) > 1:
        raise V2Error(400, "every input must have the same number of rows")
    rows = sizes.pop() if sizes else 0
    records = [{name: column[i] for name, column in columns.items()} for i in range(rows)]
    request_id = body.get("id")
    return records, request_id if isinstance(request_id, str) else None


def _flatten(data: list[Any]) -> list[Any]:
    return [x for row in data for x in (row if isinstance(row, list) else [row])]


def problems_text(problems: list[FieldError]) -> str:
    """Validation problems named by input tensor and row: `sepal_width (row 1): must be a ...`."""
    parts = []
    for p in problems:
        found = re.match(r"^\[(\d+)\]\.(.+)$", p.field)
        where = f"{found.group(2)} (row {found.group(1)})" if found else p.field
        parts.append(f"{where}: {p.problem}")
    return "the request does not match the model's inputs: " + "; ".join(parts)


def response(name: str, version: str, request_id: str | None, result: Any) -> dict[str, Any]:
    rows = result if isinstance(result, list) else [result]
    outputs: list[dict[str, Any]]
    if rows and all(isinstance(r, dict) for r in rows):
        names = list(rows[0])
        outputs = [_output(key, [r.get(key) for r in rows]) for key in names]
    else:
        outputs = [_output("output", rows)]
    answer: dict[str, Any] = {"model_name": name, "outputs": outputs}
    if version:
        answer["model_version"] = version
    if request_id is not None:
        answer["id"] = request_id
    return answer


def _output(name: str, values: list[Any]) -> dict[str, Any]:
    return {"name": name, "datatype": _datatype(values), "shape": [len(values)], "data": values}


def _datatype(values: list[Any]) -> str:
    # numbers' ABCs, so numpy's scalars (which predict often returns) are typed too.
    if all(isinstance(v, bool) for v in values):
        return "BOOL"
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return "INT64"
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        return "FP64"
    return "BYTES"
