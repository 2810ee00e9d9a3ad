"""The serving API of a model: inferred from the notebook's `serve` cells when a version is made,
compared between versions to flag breaking changes."""

from .compare import schema_changes
from .describe import fields, type_label
from .infer import infer_schema, serve_source

__all__ = ["fields", "infer_schema", "schema_changes", "serve_source", "type_label"]
