"""The Open Inference Protocol (KServe V2) over REST, so standard V2 clients work unchanged. A
model whose API is a list of records is served column-wise: one input tensor per field (shape
`[N]` or `[N, 1]`), and answers with one output tensor per field of the result (or one tensor,
`output`, when predict returns plain values). Errors follow the protocol: `{"error": "..."}`."""

import numbers
import re
from typing import Any

from .jsonio import bad_text
from .validate import FieldError

_DATATYPES = {"number": "FP64", "integer": "INT64", "string": "BYTES", "boolean": "BOOL"}
# Every tensor datatype of the protocol; the values are checked against the schema, not these.
_V2_DATATYPES = frozenset(
    ["BOOL", "BYTES", "FP16", "FP32", "FP64", "BF16"]
    + [f"{sign}INT{bits}" for sign in ("", "U") for bits in (8, 16, 32, 64)]
)
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


def input_names(schema: dict[str, Any] | None) -> tuple[str, ...] | None:
    """The input tensors a list-of-records model takes, when its records accept no others."""
    fields = _record_fields(schema)
    closed = fields is not None and (schema or {})["items"].get("additionalProperties") is False
    return tuple(fields) if fields is not None and closed else None


def records_from(
    body: Any, inputs: tuple[str, ...] | None, extended: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """The request's records, column by column. Problems name the tensor by its position
    (`input 2`), never by what the caller wrote. `inputs`: the names the model takes (None: any);
    `extended`: the body came from the lenient parser (its strings may not be valid Unicode)."""
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
        raise V2Error(400, "expected an object with 'inputs': a list of tensors")
    columns: dict[str, list[Any]] = {}
    for index, tensor in enumerate(body["inputs"]):
        where = f"input {index}"
        if not isinstance(tensor, dict) or not isinstance(tensor.get("name"), str):
            raise V2Error(400, f"{where}: expected a tensor with a name")
        name = tensor["name"]
        if inputs is not None and name not in inputs:
            raise V2Error(400, f"{where}: not one of the model's inputs ({', '.join(inputs)})")
        if name in columns:
            raise V2Error(400, f"{where}: a second tensor of the same name as an earlier one")
        if "datatype" in tensor and tensor["datatype"] not in _V2_DATATYPES:
            raise V2Error(
                400, f"{where}: 'datatype' must be one of {', '.join(sorted(_V2_DATATYPES))}"
            )
        data, shape = tensor.get("data"), tensor.get("shape")
        if not isinstance(data, list) or not isinstance(shape, list):
            raise V2Error(400, f"{where}: 'data' and 'shape' must be lists")
        flat = _flatten(data)
        if not _column_shape(shape, len(flat)):
            raise V2Error(
                400,
                f"{where}: expected shape [N] or [N, 1] where N = {len(flat)}, the number of"
                " its values",
            )
        columns[name] = flat
    sizes = {len(c) for c in columns.values()}
    if len(sizes) > 1:
        raise V2Error(400, "every input must have the same number of rows")
    rows = sizes.pop() if sizes else 0
    records = [{name: column[i] for name, column in columns.items()} for i in range(rows)]
    request_id = body.get("id")
    if not isinstance(request_id, str):
        return records, None
    if extended and bad_text(request_id):
        # The answer repeats the id; JSON (UTF-8) cannot carry a lone surrogate.
        raise V2Error(400, "id: must be valid Unicode text (not a lone surrogate)")
    return records, request_id


def _column_shape(shape: list[Any], rows: int) -> bool:
    return (
        bool(shape)
        and all(type(d) is int for d in shape)
        and shape[0] == rows
        and all(d == 1 for d in shape[1:])
    )


def _flatten(data: list[Any]) -> list[Any]:
    return [x for row in data for x in (row if isinstance(row, list) else [row])]


def problems_text(problems: list[FieldError]) -> str:
    """Validation problems named by input tensor and row: `sepal_width (row 1): must be a ...`."""
    parts = []
    for p in problems:
        found = re.match(r"^\[(\d+)\](?:\.(.+))?$", p.field)
        if found:
            row = f"row {found.group(1)}"
            where = f"{found.group(2)} ({row})" if found.group(2) else row
        else:
            where = p.field
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
