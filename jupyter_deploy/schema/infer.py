"""The serving API of a notebook, read from its `serve` cells without running them: `predict`'s
type hints (TypedDicts, dataclasses and pydantic models defined in those cells, builtins,
`typing` forms) become JSON Schema. Where a hint is missing, the input example recorded by the
run fills in. Static reading means a version's schema never depends on importing user code."""

import ast
import json
from typing import Any

SERVE_TAG = "serve"
ENTRY_POINT = "predict"
MAX_EXAMPLE_BYTES = 16 * 1024

Schema = dict[str, Any]

_SCALARS: dict[str, Schema] = {
    "float": {"type": "number"},
    "int": {"type": "integer"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
    "dict": {"type": "object"},
    "list": {"type": "array"},
    "Any": {},
    "object": {},
}
_SEQUENCES = {"list", "List", "Sequence", "tuple", "Tuple", "set", "Set", "Iterable", "Collection"}
_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping"}
_WRAPPERS = {"Annotated", "Required", "NotRequired", "Final"}


def serve_source(notebook: dict[str, Any]) -> str:
    """The code of the cells tagged `serve`, in order."""
    parts = []
    for cell in notebook.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and SERVE_TAG in tags:
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
    return "\n\n".join(parts)


def infer_schema(notebook: dict[str, Any], example: Any = None) -> Schema | None:
    """`{function, input, output, source[, example]}`, or None when the serve cells define no
    `predict` (or cannot be parsed: the build reports that, with the line)."""
    try:
        module = ast.parse(serve_source(notebook))
    except SyntaxError:
        return None
    reader = _Reader(module)
    function = reader.functions.get(ENTRY_POINT)
    if function is None:
        return None
    hinted, input_schema = reader.input_schema(function)
    source = "type hints"
    if not hinted and example is not None:
        input_schema, source = from_example(example), "input example"
    schema: Schema = {
        "function": ENTRY_POINT,
        "input": input_schema,
        "output": reader.schema(function.returns) if function.returns is not None else None,
        "source": source,
    }
    if example is not None and len(json.dumps(example)) <= MAX_EXAMPLE_BYTES:
        schema["example"] = example
    return schema


def from_example(value: Any) -> Schema:
    """The narrowest schema the example fits: field names and JSON types."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if value is None:
        return {"type": "null"}
    if isinstance(value, list):
        items = [from_example(item) for item in value]
        return {"type": "array", "items": _merge(items)} if items else {"type": "array"}
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {str(k): from_example(v) for k, v in value.items()},
            "required": sorted(str(k) for k in value),
        }
    return {}


def _merge(schemas: list[Schema]) -> Schema:
    """One schema for the items of an example array: objects keep every field, required only
    where all have it; integers and floats mix as numbers."""
    first = schemas[0]
    if all(s == first for s in schemas):
        return first
    types = {s.get("type") for s in schemas}
    if types <= {"integer", "number"}:
        return {"type": "number"}
    if types == {"object"}:
        properties: dict[str, Schema] = {}
        for s in schemas:
            for key, sub in s["properties"].items():
                properties[key] = _merge([properties[key], sub]) if key in properties else sub
        required = set.intersection(*(set(s["required"]) for s in schemas))
        return {"type": "object", "properties": properties, "required": sorted(required)}
    return {"anyOf": _unique(schemas)}


def _unique(schemas: list[Schema]) -> list[Schema]:
    out: list[Schema] = []
    for s in schemas:
        if s not in out:
            out.append(s)
    return out


class _Reader:
    def __init__(self, module: ast.Module) -> None:
        self.functions = {
            node.name: node for node in module.body if isinstance(node, ast.FunctionDef)
        }
        self.classes = {node.name: node for node in module.body if isinstance(node, ast.ClassDef)}
        self.aliases: dict[str, ast.expr] = {}
        for node in module.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if _name(node.annotation) == "TypeAlias" and node.value is not None:
                    self.aliases[node.target.id] = node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and isinstance(node.value, ast.Subscript):
                    self.aliases[target.id] = node.value
        self._resolving: set[str] = set()

    def input_schema(self, function: ast.FunctionDef) -> tuple[bool, Schema]:
        """(every parameter hinted, request body schema): the one parameter's value, or an object
        of the parameters by name when `predict` takes several."""
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        params = [a for a in [*positional, *args.kwonlyargs] if a.arg not in ("self", "cls")]
        hinted = all(a.annotation is not None for a in params)
        if len(params) == 1:
            only = params[0].annotation
            return hinted, self.schema(only) if only is not None else {}
        with_default = {a.arg for a in positional[len(positional) - len(args.defaults) :]}
        with_default |= {
            a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
        }
        return hinted, {
            "type": "object",
            "properties": {
                a.arg: self.schema(a.annotation) if a.annotation is not None else {} for a in params
            },
            "required": [a.arg for a in params if a.arg not in with_default],
            "additionalProperties": False,
        }

    def schema(self, node: ast.expr) -> Schema:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return {"type": "null"}
            if isinstance(node.value, str):  # a forward reference
                try:
                    return self.schema(ast.parse(node.value, mode="eval").body)
                except SyntaxError:
                    return {"x-python": node.value}
            return {}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _any_of([self.schema(node.left), self.schema(node.right)])
        if isinstance(node, ast.Subscript):
            return self._generic(_name(node.value), node.slice)
        name = _name(node)
        if name in self.classes:
            return self._class(name)
        if name in self.aliases and name not in self._resolving:
            self._resolving.add(name)
            try:
                return self.schema(self.aliases[name])
            finally:
                self._resolving.discard(name)
        if name in _SCALARS:
            return dict(_SCALARS[name])
        if name in _SEQUENCES:
            return {"type": "array"}
        if name in _MAPPINGS:
            return {"type": "object"}
        # numpy arrays, DataFrames, unknown classes: accepted as they come, named for readers.
        return {"x-python": ast.unparse(node)}

    def _generic(self, base: str, index: ast.expr) -> Schema:
        args = list(index.elts) if isinstance(index, ast.Tuple) else [index]
        if base in _WRAPPERS:
            return self.schema(args[0])
        if base == "Optional":
            return _any_of([self.schema(args[0]), {"type": "null"}])
        if base == "Union":
            return _any_of([self.schema(a) for a in args])
        if base == "Literal":
            values = [a.value for a in args if isinstance(a, ast.Constant)]
            return {"enum": values}
        if base in _SEQUENCES:
            if base in ("tuple", "Tuple") and not (
                len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis
            ):
                items = [self.schema(a) for a in args]
                return {
                    "type": "array",
                    "prefixItems": items,
                    "minItems": len(items),
                    "maxItems": len(items),
                }
            return {"type": "array", "items": self.schema(args[0])}
        if base in _MAPPINGS:
            value = self.schema(args[-1]) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": value}
        return {"x-python": base}

    def _class(self, name: str) -> Schema:
        """A class with annotated fields (TypedDict, dataclass, pydantic model) as an object."""
        if name in self._resolving:
            return {"x-python": name}  # recursive types stay open rather than loop
        node = self.classes[name]
        self._resolving.add(name)
        try:
            total = not any(
                k.arg == "total" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords
            )
            properties: dict[str, Schema] = {}
            required: list[str] = []
            for item in node.body:
                if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                    continue
                field = item.target.id
                properties[field] = self.schema(item.annotation)
                wrapper = (
                    _name(item.annotation.value)
                    if isinstance(item.annotation, ast.Subscript)
                    else ""
                )
                needed = (total or wrapper == "Required") and wrapper != "NotRequired"
                if needed and item.value is None:
                    required.append(field)
            schema: Schema = {
                "type": "object",
                "title": name,
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
            doc = ast.get_docstring(node)
            if doc:
                schema["description"] = doc.strip().splitlines()[0]
            return schema
        finally:
            self._resolving.discard(name)


def _name(node: ast.expr) -> str:
    """`typing.List` and `List` alike: the last part of a dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _any_of(schemas: list[Schema]) -> Schema:
    flat: list[Schema] = []
    for s in schemas:
        flat.extend(s["anyOf"] if set(s) == {"anyOf"} else [s])
    unique = _unique(flat)
    return unique[0] if len(unique) == 1 else {"anyOf": unique}
