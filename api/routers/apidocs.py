"""``GET /docs``: the API documentation as a plain page built from the OpenAPI schema, readable offline.

FastAPI's Swagger UI loads its scripts from a CDN, which a bureau's intranet machine may not reach, and runs an inline
script, which the site's Content-Security-Policy refuses (api.security); it is not served. The schema itself is always
at ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..paths import templates

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return templates.TemplateResponse(request, "docs.html", {"schema": schema, "groups": operations(schema)})


def operations(schema: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Operations grouped by their first tag, in the order the tags are declared."""
    order = [t["name"] for t in schema.get("tags", [])]
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            groups.setdefault((op.get("tags") or ["其他"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [_parameter(p) for p in op.get("parameters", [])],
                    "fields": _form_fields(schema, op),
                    "responses": {code: r.get("description", "") for code, r in op.get("responses", {}).items()},
                    "key": bool(op.get("security")),
                }
            )
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def _parameter(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": p["name"],
        "in": p["in"],
        "required": p.get("required", False),
        "description": p.get("description") or p.get("schema", {}).get("description", ""),
    }


def _form_fields(schema: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    content = op.get("requestBody", {}).get("content", {})
    for body in content.values():
        ref = body.get("schema", {}).get("$ref", "")
        target = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], body.get("schema", {}))
        required = set(target.get("required", []))
        return [
            {"name": name, "required": name in required, "description": prop.get("description", "")}
            for name, prop in target.get("properties", {}).items()
        ]
    return []
