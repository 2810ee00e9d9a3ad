"""Schemas in words, for people: the CLI's `version show` and error messages."""

from typing import Any

from .infer import Schema


def type_label(schema: Schema) -> str:
    """A short human name for a schema's type: `number`, `array of object`, `string | null`."""
    if "anyOf" in schema:
        return " | ".join(type_label(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {type_label(schema['items'])}"
    if kind == "object" and schema.get("title"):
        return str(schema["title"])
    if isinstance(kind, str):
        return kind
    return str(schema.get("x-python", "any"))


def fields(schema: Schema | None, path: str = "") -> list[dict[str, Any]]:
    """Every leaf field of a schema as `{path, type, required}`: `[].sepal_length`, `number`."""
    if not schema:
        return []
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return fields(schema["items"], f"{path}[]")
    properties = schema.get("properties")
    if schema.get("type") == "object" and isinstance(properties, dict) and properties:
        required = set(schema.get("required", []))
        out = []
        for name, sub in properties.items():
            where = f"{path}.{name}" if path else name
            nested = fields(sub, where)
            if len(nested) == 1 and nested[0]["path"] == where:
                nested[0]["required"] = name in required
            elif not nested:
                nested = [{"path": where, "type": type_label(sub), "required": name in required}]
            out.extend(nested)
        return out
    return [{"path": path or "(body)", "type": type_label(schema), "required": True}]
