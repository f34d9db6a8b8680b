"""``POST /api/notices/draft``: upload a call's notice, get a draft rulebook.

The answer is JSON (the TOML text, the list of fields a person must check, and where each value came from in the
notice), or with ``format=toml`` the TOML itself as a download named ``<id>.toml``. Nothing is stored: the bureau
reviews the draft and hands it to whoever maintains ``corpora/campaigns/``. All the work is
``screening.campaigns.draft.draft_file``; this module only moves bytes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from screening.campaigns.draft import draft_file
from screening.filetypes import ACCEPTED_LABEL

from ..errors import declare
from ..uploads import NON_EMPTY, read_upload

router = APIRouter(tags=["征集活动"])

# The upload errors a notice shares with a material; no key and no campaign are involved here.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = declare(
    413, 415, s422="通知文件无法读取（损坏、加密、扫描件、空文件等）"
)


@router.post(
    "/api/notices/draft",
    summary="从征集通知起草规则",
    description=f"上传征集通知（{ACCEPTED_LABEL}），返回规则草稿 TOML、待人工核对清单和每个值在通知中的出处；"
    "`format=toml` 时直接下载 TOML 文件。",
    responses={
        200: {"content": {"application/json": {}, "application/toml": {}}, "description": "规则草稿"},
        **ERROR_RESPONSES,
    },
)
async def draft_notice(
    request: Request,
    file: Annotated[UploadFile, File(description="征集通知文件", json_schema_extra=NON_EMPTY)],
    format: Annotated[Literal["json", "toml"], Form(description="json（默认）或 toml（下载草稿文件）")] = "json",
) -> Response:
    services = request.app.state.services
    filename, data = await read_upload(file, max_bytes=services.settings.max_file_bytes)
    draft = await run_in_threadpool(
        draft_file, data, filename=filename, known=services.campaigns(), limits=services.limits
    )
    if format == "toml":
        return Response(
            draft.toml(),
            media_type="application/toml; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{draft.id}.toml"'},
        )
    return JSONResponse(draft.to_json())
