"""Uploads: bounded while they stream, allow-listed by name, read into memory only within the limit.

Three layers, cheapest first (OWASP File Upload Cheat Sheet; FastAPI has no upload limit of its own, #362):

1. ``UploadLimit`` (ASGI middleware) caps the whole request body per route *while it streams*, using Starlette's
   ``RequestBodyLimitMiddleware``: a lying or absent Content-Length does not help, the counter is on the bytes
   received. The limits come from the app's settings, so tests can build an app with tiny limits.
2. ``read_upload`` copies one file part out of Starlette's spool in chunks and stops at the per-file limit.
3. ``screening.documents.load_document`` then checks magic bytes, zip structure, pages and time; a batch zip's members
   are checked by ``screening.batch.sources_from_zip`` (count, declared sizes, ratio, no path traversal).

The client's file name is kept for display only (``screening.batch.safe_filename``); anything stored gets a generated
name (``screening.batch.store.storage_name``).
"""

from __future__ import annotations

from typing import Any

from fastapi import UploadFile
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from screening.batch import ZipLimits, safe_filename
from screening.config import Settings
from screening.errors import FileTooLarge

from .errors import error_body, too_large_message

CHUNK = 256 * 1024
FORM_OVERHEAD = 1024 * 1024  # multipart headers and the small form fields that travel with a file
BATCH_MAX_FILES = 200
BATCH_FACTOR = 20  # a batch request may carry this many maximum-size files' worth of bytes


def single_upload_limit(settings: Settings) -> int:
    return settings.max_file_bytes + FORM_OVERHEAD


def batch_upload_limit(settings: Settings) -> int:
    return settings.max_file_bytes * BATCH_FACTOR + FORM_OVERHEAD


def zip_limits(settings: Settings) -> ZipLimits:
    return ZipLimits(
        max_members=BATCH_MAX_FILES,
        max_member_bytes=settings.max_file_bytes,
        max_total_bytes=settings.max_file_bytes * BATCH_FACTOR,
    )


def route_limit(path: str, method: str, settings: Settings) -> int | None:
    """The body limit for a request, or None for requests that carry no upload."""
    if method not in ("POST", "PUT", "PATCH"):
        return None
    if path.rstrip("/") in ("/api/batches", "/batches"):
        return batch_upload_limit(settings)
    return single_upload_limit(settings)


class UploadLimit:
    """Caps every request body at its route's limit, counting bytes as they arrive (413 past it)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = (
            route_limit(scope.get("path", ""), scope.get("method", ""), self.settings)
            if scope["type"] == "http"
            else None
        )
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:  # refuse before reading a byte
            body = error_body("request_too_large", too_large_message(limit))
            await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)
            return
        await RequestBodyLimitMiddleware(self.app, max_body_size=limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def exactly_one(**fields: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a form route that needs exactly one of ``fields`` (a file or pasted text), each given
    with what makes it count as given (for pasted text: a ``pattern`` asking for one non-space character).

    FastAPI derives each field's schema from its parameter, but not a rule across fields; the route enforces it
    (a 400 naming both), and this puts the same rule in the contract (``api.errors.contract_schema`` moves it
    into the route's body model). An empty form value counts as absent (FastAPI), so "given" also means at least
    one character."""
    return {
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "oneOf": [
                            {"required": [name], "properties": {name: {"minLength": 1, **given}}}
                            for name, given in fields.items()
                        ]
                    }
                }
            }
        }
    }


def named_upload(field: str, example: str) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads a file's type from its name's extension: the contract says so with
    an example file name (the part's ``Content-Disposition``), which clients (and schemathesis) then send."""
    disposition = f'form-data; name="{field}"; filename="{example}"'
    return {
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "encoding": {
                        field: {
                            "headers": {"Content-Disposition": {"schema": {"type": "string", "example": disposition}}}
                        }
                    }
                }
            }
        }
    }


NON_EMPTY = {"minLength": 1}  # ``json_schema_extra`` of a file field whose route refuses an empty file (422)


async def read_upload(upload: UploadFile, *, max_bytes: int) -> tuple[str, bytes]:
    """``(display name, bytes)`` of one uploaded file, refusing it (413) as soon as it passes ``max_bytes``."""
    chunks, size = [], 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(
                f"文件“{safe_filename(upload.filename or '')}”过大（上限 "
                f"{max_bytes / (1024 * 1024):.0f} MB），请压缩图片或删去附图后再提交。"
            )
        chunks.append(chunk)
    return safe_filename(upload.filename or ""), b"".join(chunks)
