"""``POST /api/screen``: the applicant's self-check of one material (no account; nothing stored unless asked).

The material comes as an uploaded file or as pasted text (exactly one of them), with the call, and optionally the
declared category and the material (综合材料, 详细材料 …). A second file ``other`` is the other version of the same
material (the Word file and its stamped scan): the Word version is screened, the two are compared, and the PDF is
searched for the seal the call requires. The answer is the Report JSON (schema
``screening.report/2``, described by ``response_model``), or the report page when the client asks for ``text/html``.

Storing: ``store=true`` keeps the material in the archive as a submission, so later materials are checked against
it. That is a bureau's decision (it feeds duplicate checks for everyone), so it needs a bureau key; the self-check
itself never writes anything.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from screening.errors import UsageError
from screening.filetypes import ACCEPTED_LABEL
from screening.pipeline import screen_source
from screening.report import Report

from ..access import Bureau, optional_bureau
from ..capacity import run_screening
from ..errors import declare, error_body
from ..reports import render_report_page, store_screened
from ..uploads import NON_EMPTY, exactly_one, read_upload

router = APIRouter(tags=["自查"])

PASTED_NAME = "粘贴文本.txt"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = declare(
    413,
    415,
    s401="要求保存但没有有效的机构密钥",
    s404="找不到征集活动",
    s422="文件无法读取（损坏、加密、扫描件、空文件等）、类别或材料类型不存在、参数有误",
)


@router.post(
    "/api/screen",
    summary="预审一份材料",
    response_model=Report,  # documents the JSON body (the route returns it as a JSONResponse, already validated)
    description=f"上传文件（{ACCEPTED_LABEL}）或粘贴文字，返回预审报告 JSON；请求头 `Accept: text/html` 时返回报告网页。",
    responses={
        200: {"content": {"application/json": {}, "text/html": {}}, "description": "预审报告"},
        **ERROR_RESPONSES,
    },
    openapi_extra=exactly_one(file={}, text={"pattern": r"\S"}),
)
async def screen_upload(
    request: Request,
    campaign: Annotated[str, Form(min_length=1, description="征集活动编号，见 GET /api/campaigns")],
    file: Annotated[UploadFile | None, File(description="申报材料文件", json_schema_extra=NON_EMPTY)] = None,
    other: Annotated[
        UploadFile | None,
        File(description="同一材料的另一版本（如 Word 版配盖章扫描 PDF 版），将比对两版内容并检查印章"),
    ] = None,
    text: Annotated[str | None, Form(description="或直接粘贴材料文字（与 file 二选一）")] = None,
    category: Annotated[str | None, Form(description="申报类别（名称、编号或往年别名）")] = None,
    material: Annotated[str | None, Form(description="材料类型编号，如 detailed（详细材料）")] = None,
    store: Annotated[bool, Form(description="保存到案例库供以后查重（需要机构密钥）")] = False,
    bureau: Bureau | None = Depends(optional_bureau),
) -> Response:
    filename, data = await material_bytes(request, file, text)
    if store and bureau is None:
        raise HTTPException(
            401, error_body("unauthorized", "保存材料需要机构密钥（请求头 X-API-Key）；自查不保存任何内容。")
        )
    companion = await other_version(request, other)
    if companion is not None and filename.lower().endswith(".pdf") and not companion[0].lower().endswith(".pdf"):
        (filename, data), companion = companion, (filename, data)  # screen the Word version: its text is exact
    services = request.app.state.services
    done = await run_screening(
        request,
        screen_source,
        services,
        data,
        filename=filename,
        campaign_id=campaign,
        category=category or None,
        material=material or None,
        companion=companion,
    )
    headers = None
    if store:
        stored = await run_in_threadpool(
            store_screened, services, done, filename=filename, campaign_id=campaign, bureau=bureau
        )
        headers = {"X-Submission-Id": str(stored)}
    if wants_html(request):
        return HTMLResponse(render_report_page(request, done.report, text=done.text), headers=headers)
    return JSONResponse(done.report.to_json_dict(), headers=headers)


async def material_bytes(request: Request, file: UploadFile | None, text: str | None) -> tuple[str, bytes]:
    """The material as ``(display name, bytes)``, from the file or the pasted text; exactly one must be given."""
    has_file = file is not None and bool(file.filename)
    has_text = bool(text and text.strip())
    if has_file == has_text:
        raise UsageError("请上传一个材料文件，或粘贴材料文字（二选一）。")
    if has_file:
        return await read_upload(file, max_bytes=request.app.state.settings.max_file_bytes)
    return PASTED_NAME, text.encode("utf-8")


async def other_version(request: Request, other: UploadFile | None) -> tuple[str, bytes] | None:
    """The optional second version of the material as ``(name, bytes)``, read under the same size limit."""
    if other is None or not other.filename:
        return None
    return await read_upload(other, max_bytes=request.app.state.settings.max_file_bytes)


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]
