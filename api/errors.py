"""Every error the API returns has one shape, ``{"code": ..., "message": ...}``, with a Chinese message.

- ``ScreeningError`` (the core library's hierarchy) keeps its own ``status``: 413 too large, 415 wrong type, 422
  unreadable, 404 unknown call. Bad input therefore never becomes a 500.
- FastAPI's request validation (a missing form field, a wrong type) becomes 422 ``usage`` with the fields named.
- Starlette's own HTTP errors (404 unknown path, 405 wrong method) get a Chinese message too.
- Anything else is a bug: 500 ``internal`` with a generic Chinese message, and the traceback goes to the log only.
- 405 names, in ``Allow``, every method the path answers (Starlette names only those of the first route it matched).

Browser pages (paths outside ``/api``) get the same message rendered in the site's error page instead of JSON.

The contract (OpenAPI) declares every status a route answers, each with the ``ErrorBody`` schema. A route declares
its own ones (``declare(401, 404, ...)``: keys, missing resources, upload refusals); the ones the framework produces
on every route of a kind are added here, in one place, so they cannot drift from the code that produces them
(``contract_schema``): 400 and 413 for requests with a body (unparsable form or JSON, ``api.uploads`` body limit),
422 for routes with parameters (FastAPI's validation, answered as ``ErrorBody``), 500 everywhere. Form fields are
described as FastAPI reads them there too: a part is always text or a file, so ``null`` is no alternative (a schema
that offers it invites clients to send the string "null"), an empty value is read as absent, so an optional
choice (``format``, ``unit_kind``) accepts "" as "the default", and a file is also marked ``format: binary``
(the OpenAPI 3.0 spelling beside 3.1's ``contentMediaType``, which some clients and fuzzers still need to see that
any bytes are a valid file).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.routing import Match

from screening.errors import InternalError, ScreeningError

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: "请求格式有误：表单无法解析，或粘贴的文字超过 1 MB。请检查后重试。",
    401: "需要机构密钥（请求头 X-API-Key）。",
    403: "无权访问。",
    404: "找不到该页面或资源。",
    405: "不支持该请求方法。",
    413: "上传内容过大。",
    415: "不支持该文件格式。",
}

# What each declared status means to a caller (the OpenAPI description; the body says what happened this time).
STATUS_DESCRIPTIONS = {
    400: "请求格式有误（表单或 JSON 无法解析）或参数用法有误",
    401: "没有密钥或密钥无效",
    403: "未配置该角色的密钥，或无权使用该功能",
    404: "找不到该资源",
    409: "与当前状态冲突",
    413: "上传内容过大、页数过多或疑似压缩炸弹",
    415: "不支持的文件格式，或扩展名与内容不符",
    422: "参数有误，或文件无法读取（损坏、加密、扫描件、空文件等）",
    429: "密钥验证失败次数过多，暂停验证（见 Retry-After）",
    500: "服务内部错误（已记录日志）",
}


class ErrorBody(BaseModel):
    """The body of every error answer (``error_body``)."""

    code: str = Field(description="稳定的错误代码，如 unauthorized、campaign_not_found、corrupt、usage、internal")
    message: str = Field(description="中文说明：发生了什么、该怎么做")
    detail: dict[str, Any] | list[Any] | None = Field(None, description="补充信息（可选），如超出的限制")


def declare(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for the error statuses a route answers, each with the ``ErrorBody`` schema.

    ``statuses`` take the general description; ``described`` gives a route's own words for a status, keyed
    ``s404="找不到该批次"`` (a keyword cannot start with a digit). 400/413/422/500 need not be listed: every route
    of their kind gets them (``contract_schema``)."""
    own = {int(key.removeprefix("s")): text for key, text in described.items()}
    return {
        status: {"model": ErrorBody, "description": own.get(status, STATUS_DESCRIPTIONS.get(status, "请求失败"))}
        for status in sorted({*statuses, *own})
    }


def too_large_message(limit_bytes: int) -> str:
    return f"上传内容过大（上限 {limit_bytes / (1024 * 1024):.0f} MB），请压缩图片或删去附图后再提交。"


def error_body(code: str, message: str, detail: dict | list | None = None) -> dict:
    body = {"code": code, "message": message}
    if detail:
        body["detail"] = detail
    return body


def install(app: FastAPI) -> None:
    app.add_exception_handler(ScreeningError, _screening_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    framework_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract_schema(framework_schema())
        return app.openapi_schema

    app.openapi = openapi


async def _screening_error(request: Request, exc: ScreeningError) -> Response:
    return respond(request, exc.status, exc.to_dict())  # InternalError included: logged where it was raised


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    fields = [_describe_field(err) for err in exc.errors()]
    message = "请求参数有误：" + "；".join(fields) if fields else "请求参数有误。"
    return respond(request, 422, error_body("usage", message))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if isinstance(exc.detail, dict) and "code" in exc.detail:  # raised by our own code with a ready body
        body = exc.detail
    elif exc.status_code == 413 and MAX_BODY_SIZE_SCOPE_KEY in request.scope:  # the streaming body limit
        body = error_body("request_too_large", too_large_message(request.scope[MAX_BODY_SIZE_SCOPE_KEY]))
    else:
        body = error_body(f"http_{exc.status_code}", HTTP_MESSAGES.get(exc.status_code, "请求失败。"))
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return respond(request, exc.status_code, body, headers=headers)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on this path. Starlette's 405 names only the first route that matched the
    path, so ``GET`` and ``POST /api/batches`` (two routes) would each deny the other's existence. Each method is
    asked of the router itself (included routers hide their routes' methods), as a request with it would be."""
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in request.app.router.routes
        )
    ]


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("未处理的异常：%s %s", request.method, request.url.path)
    return respond(request, 500, InternalError().to_dict())


def respond(request: Request, status: int, body: dict, *, headers: dict | None = None) -> Response:
    """JSON for the API; the error page for a browser on the web page's paths."""
    if not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", ""):
        from .paths import templates  # imported late: jinja2 setup is not needed by JSON-only callers

        return templates.TemplateResponse(
            request, "error.html", {"status": status, "error": body}, status_code=status, headers=headers
        )
    return JSONResponse(body, status_code=status, headers=headers)


def _describe_field(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header", "form"))
    kind = err.get("type", "")
    if kind == "missing":
        return f"缺少字段 {where}"
    return f"字段 {where} 无效"


# --- the contract: statuses every route of a kind answers ----------------------------------------------------------

BODY_METHODS = ("post", "put", "patch")  # the methods api.uploads.UploadLimit caps (413), with a body to parse (400)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
VALIDATION_REF = "#/components/schemas/HTTPValidationError"
ERROR_REF = "#/components/schemas/ErrorBody"


def contract_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's OpenAPI schema with the framework-level error statuses declared and form fields made honest."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            _declare_framework_errors(method, operation)
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                if media_type in FORM_TYPES:
                    _as_forms_read(components, content.get("schema", {}))
    if VALIDATION_REF not in str(schema.get("paths")):  # every 422 is an ErrorBody now
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema


def _declare_framework_errors(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    statuses = [500]
    if method in BODY_METHODS:
        statuses += [400, 413]
    if "422" in responses or operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    for status in statuses:
        declared = responses.setdefault(str(status), {"description": STATUS_DESCRIPTIONS[status]})
        content = declared.setdefault("content", {}).setdefault("application/json", {})
        if content.get("schema", {}).get("$ref") in (None, VALIDATION_REF):
            content["schema"] = {"$ref": ERROR_REF}
        if declared.get("description") == "Validation Error":
            declared["description"] = STATUS_DESCRIPTIONS[status]


def _as_forms_read(components: dict[str, Any], body: dict[str, Any]) -> None:
    """In a form body, ``anyOf: [X, null]`` becomes ``X``, an optional choice accepts "", a file is ``format:
    binary`` (module docstring)."""
    ref = body.get("$ref", "")
    target = components.get(ref.rsplit("/", 1)[-1], {}) if ref else body
    for key in [key for key in body if ref and key != "$ref"]:  # a route's own rule (``uploads.exactly_one``) joins
        target[key] = body.pop(key)  # its body model, which FastAPI makes per route: one schema, not $ref + sibling
    required = set(target.get("required", ()))
    for name, field in target.get("properties", {}).items():
        options = field.get("anyOf")
        if options and {"type": "null"} in options:
            rest = [option for option in options if option != {"type": "null"}]
            field.pop("anyOf")
            if len(rest) == 1:
                field.update(rest[0])
            else:
                field["anyOf"] = rest
        if name not in required and "" not in field.get("enum", [""]):
            field["enum"].append("")
        for part in (field, field.get("items", {})):
            if part.get("contentMediaType") == "application/octet-stream":
                part["format"] = "binary"
