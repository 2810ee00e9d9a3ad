"""The service's OpenAPI document and a docs page, both generated from the version's serving
schema. The page is plain HTML with no scripts or outside assets: it works behind any proxy and
on machines without internet access."""

import html
import json
from typing import Any

from ..schema.describe import fields

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "problem": {"type": "string"}},
                    },
                },
            },
            "required": ["code", "message"],
        }
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _simple(method: str, summary: str) -> dict[str, Any]:
    return {method: {"summary": summary, "responses": {"200": {"description": summary}}}}


def openapi(info: dict[str, Any], schema: dict[str, Any] | None, secured: bool) -> dict[str, Any]:
    model = str(info.get("model") or "model")
    version = str(info.get("version") or "")
    request = (schema or {}).get("input") or {}
    items = request.get("items") if request.get("type") == "array" else None
    if isinstance(items, dict) and items.get("type") == "object":
        request = {"oneOf": [request, items]}  # a list of records, or one record
    answer = (schema or {}).get("output") or {}
    ok = {"description": "The prediction(s)", "content": {"application/json": {"schema": answer}}}
    predict: dict[str, Any] = {
        "summary": f"Predict with {model} {version}".strip(),
        "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
        "responses": {
            "200": ok,
            "400": _error(
                "The body is not JSON (`malformed_json`), or nests too deeply (`too_deep`)"
            ),
            "401": _error("No API key, or one that is not accepted"),
            "413": _error("The body is too large"),
            "415": _error("The body is not application/json"),
            "422": _error(
                "The body does not match the API (`invalid_request`: `fields` names each"
                " problem), the model refused a value with a ValueError or OverflowError"
                " (`input_not_accepted`, with a request id), or it answered with NaN or Infinity"
                " (`non_finite_result`)"
            ),
            "500": _error("The model failed; the message carries a request id for the service log"),
            "503": _error("The model is not loaded yet"),
        },
    }
    if example := (schema or {}).get("example"):
        predict["requestBody"]["content"]["application/json"]["example"] = example
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": f"{model} (jupyter_deploy)", "version": version or "0"},
        "paths": {
            "/predict": {"post": predict},
            "/health/live": _simple("get", "The process is up"),
            "/health/ready": _simple("get", "The model is loaded (503 until then)"),
            "/metrics": _simple("get", "Prometheus metrics, text exposition format"),
            f"/v2/models/{model}/infer": _simple("post", "Open Inference Protocol (KServe V2)"),
        },
        "components": {"schemas": {"Error": _ERROR}},
    }
    if secured:
        document["components"]["securitySchemes"] = {"apiKey": {"type": "http", "scheme": "bearer"}}
        predict["security"] = [{"apiKey": []}]
        document["paths"][f"/v2/models/{model}/infer"]["post"]["security"] = [{"apiKey": []}]
    return document


def docs_page(info: dict[str, Any], schema: dict[str, Any] | None, secured: bool) -> bytes:
    model = html.escape(str(info.get("model") or "model"))
    version = html.escape(str(info.get("version") or ""))
    e = html.escape

    def table(side: str) -> str:
        rows = fields((schema or {}).get(side))
        if not rows:
            return "<p>Not described (predict has no type hints for it).</p>"
        body = "".join(
            f"<tr><td><code>{e(f['path'])}</code></td><td>{e(f['type'])}</td>"
            f"<td>{'required' if f['required'] else 'optional'}</td></tr>"
            for f in rows
        )
        return f"<table><tr><th>Field</th><th>Type</th><th></th></tr>{body}</table>"

    example = (schema or {}).get("example")
    auth = " -H 'Authorization: Bearer YOUR_KEY'" if secured else ""
    sample = json.dumps(example[0] if isinstance(example, list) and example else example or {})
    curl = (
        f"curl -X POST http://HOST/predict -H 'Content-Type: application/json'{auth} -d '{sample}'"
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{model} {version}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;
color:#222}}code,pre{{background:#f4f4f4;padding:0 .25rem}}pre{{padding:.75rem;overflow-x:auto}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:.25rem .75rem;
text-align:left}}</style></head><body>
<h1>{model} <small>{version}</small></h1>
<p>POST JSON to <code>/predict</code>: one record, or a list of records.
{"Send an API key: <code>Authorization: Bearer KEY</code>." if secured else "No API key is needed."}
Invalid requests get a 422 whose <code>error.fields</code> names each problem.</p>
<h2>Request fields</h2>{table("input")}
<h2>Response fields</h2>{table("output")}
<h2>Example</h2><pre>{e(curl)}</pre>
<h2>Also</h2><ul>
<li><code>GET /openapi.json</code>: this API as OpenAPI 3.1</li>
<li><code>POST /v2/models/{model}/infer</code>: the Open Inference Protocol (KServe V2)</li>
<li><code>GET /health/live</code>, <code>GET /health/ready</code>, <code>GET /metrics</code></li>
</ul></body></html>
"""
    return page.encode()
