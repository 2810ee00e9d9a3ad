#!/usr/bin/env python3
"""TypeScript types from docs/openapi.yaml: labextension/api/schema.ts.

    python scripts/openapi_types.py           # write the file
    python scripts/openapi_types.py --check   # fail when the committed file is stale (CI)

Every schema in `components/schemas` becomes a type of the same name, and `ApiResponses` maps
each route (`'GET /jupyter-deploy/runs'`) to its answers by status. The hand-written wire models
beside it (`runModels.ts`, ...) are checked against these at compile time, so `tsc` fails when
the document and the frontend disagree. Written by hand rather than with openapi-typescript: the
build runs offline, and the subset of JSON Schema the document uses is small.

The output goes through the checkout's prettier (node_modules/.bin/prettier) so that `jlpm
lint:check` accepts it as generated.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "docs" / "openapi.yaml"
OUTPUT = REPO / "labextension" / "api" / "schema.ts"
PRETTIER = REPO / "node_modules" / ".bin" / "prettier"
IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

HEADER = """\
/**
 * Types of the jupyter_deploy REST API, generated from docs/openapi.yaml by
 * scripts/openapi_types.py. Do not edit: change the document and run
 * `python scripts/openapi_types.py` (CI runs it with `--check`).
 */

/** Any JSON value. */
export type JSONValue =
  | null
  | boolean
  | number
  | string
  | JSONValue[]
  | { [key: string]: JSONValue };

/** `true` when A and B accept exactly the same values (each is assignable to the other). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `true` when every A is a B. */
export type Extends<A, B> = [A] extends [B] ? true : false;

/**
 * `true` when A and B have the same fields and every A is a B: B may accept
 * more per field (a frontend type also used for events or test fixtures).
 */
export type Covers<A, B> =
  Same<keyof A, keyof B> extends true ? Extends<A, B> : false;

/** Compiles only with `true`: `Assert<Same<Mine, Generated>>` fails the build on drift. */
export type Assert<T extends true> = T;
"""


def literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def key(name: str) -> str:
    return name if IDENTIFIER.match(name) else literal(name)


def comment(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    lines = " ".join(text.split())
    return [f"{indent}/** {lines.replace('*/', '* /')} */"]


def union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    return " | ".join(unique) if unique else "never"


def ts_type(schema: dict[str, Any], indent: str) -> str:
    """The TypeScript type of a schema; `indent` is the indentation of the line it starts on."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[1]
    alternatives = schema.get("oneOf", schema.get("anyOf"))
    if alternatives is not None:
        return union([ts_type(s, indent) for s in alternatives])
    if "const" in schema:
        return literal(schema["const"])
    if "enum" in schema:
        return union([literal(v) for v in schema["enum"]])
    kinds = schema.get("type")
    if kinds is None:
        return "JSONValue"
    if isinstance(kinds, str):
        kinds = [kinds]
    return union([_typed(kind, schema, indent) for kind in kinds])


def _typed(kind: str, schema: dict[str, Any], indent: str) -> str:
    if kind in ("integer", "number"):
        return "number"
    if kind in ("string", "boolean", "null"):
        return kind
    if kind == "array":
        item = ts_type(schema.get("items", {}), indent)
        return f"({item})[]" if " | " in item else f"{item}[]"
    if kind == "object":
        return _object(schema, indent)
    raise ValueError(f"unsupported schema type {kind!r}")


def _object(schema: dict[str, Any], indent: str) -> str:
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    required = set(schema.get("required", []))
    inner = indent + "  "
    lines = []
    for name, prop in properties.items():
        lines += comment(prop.get("description"), inner)
        optional = "" if name in required else "?"
        lines.append(f"{inner}{key(name)}{optional}: {ts_type(prop, inner)};")
    if extra is not False:
        value = "JSONValue" if extra is True else ts_type(extra, inner)
        if properties:
            # An index signature must admit the named properties' types too.
            value = "JSONValue"
        lines.append(f"{inner}[key: string]: {value};")
    if not lines:
        return "Record<string, never>"
    return "{\n" + "\n".join(lines) + f"\n{indent}}}"


def responses(spec: dict[str, Any]) -> list[str]:
    out = [
        "",
        "/** Each route's answers by status, as `'METHOD /path'`. */",
        "export type ApiResponses = {",
    ]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            out.append(f"  {literal(f'{method.upper()} {path}')}: {{")
            for status, response in operation["responses"].items():
                while "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                body = response["content"]["application/json"]["schema"]
                out.append(f"    {status}: {ts_type(body, '    ')};")
            out.append("  };")
    out.append("};")
    return out


def generate(spec: dict[str, Any]) -> str:
    out = [HEADER]
    for name, schema in spec["components"]["schemas"].items():
        if name == "JSONValue":
            continue  # the header's, recursive (JSON Schema spells it as any value)
        out += comment(schema.get("description"), "")
        out.append(f"export type {name} = {ts_type(schema, '')};")
        out.append("")
    out += responses(spec)
    return "\n".join(out) + "\n"


def prettier(text: str) -> str:
    if not PRETTIER.exists():
        sys.exit(f"{PRETTIER} is missing: run `jlpm install` first")
    done = subprocess.run(
        [str(PRETTIER), "--stdin-filepath", str(OUTPUT.relative_to(REPO))],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"prettier refused the generated types:\n{done.stderr}")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = prettier(generate(yaml.safe_load(SPEC.read_text())))
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(
                f"{OUTPUT.relative_to(REPO)} is stale: run python scripts/openapi_types.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
