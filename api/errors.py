"""Every error the API returns has one shape, ``{"code": ..., "message": ...}``, with a Chinese message.

- ``ScreeningError`` (the core library's hierarchy) keeps its own ``status``: 413 too large, 415 wrong type, 422
  unreadable, 404 unknown call. Bad input therefore never becomes a 500.
- FastAPI's request validation (a missing form field, a wrong type) becomes 422 ``usage`` with the fields named.
- Starlette's own HTTP errors (404 unknown path, 405 wrong method) get a Chinese message too.
- Anything else is a bug: 500 ``internal`` with a generic Chinese message, and the traceback goes to the log only.

Browser pages (paths outside ``/api``) get the same message rendered in the site's error page instead of JSON.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from screening.errors import ScreeningError

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
INTERNAL_MESSAGE = "服务内部错误，请稍后重试；如果反复出现，请联系运维人员并告知出错时间。"


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


async def _screening_error(request: Request, exc: ScreeningError) -> Response:
    return respond(request, exc.status, exc.to_dict())


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
    return respond(request, exc.status_code, body, headers=getattr(exc, "headers", None))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("未处理的异常：%s %s", request.method, request.url.path)
    return respond(request, 500, error_body("internal", INTERNAL_MESSAGE))


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
