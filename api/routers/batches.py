"""``/api/batches``: the bureau's batch pre-screen (API key required; each bureau sees only its own batches).

Flow: ``POST /api/batches`` stores the files and returns ``202`` with the batch id at once; a background thread screens
them (``screening.batch.worker``). ``GET /api/batches/{id}`` reports progress; ``GET .../result`` gives the table (JSON, or
HTML with ``Accept: text/html``) at any time, with the materials finished so far; ``PUT .../edits`` stores the bureau's
order and exclusions; ``GET .../export.xlsx`` / ``export.csv`` download the 推荐排序表 / 推荐汇总表.

A batch is several files, one zip of files, or both. Files of other types are listed as refused (the batch goes on);
a zip that breaks a limit (member count, sizes, ratio, path traversal) refuses the whole request with 413. The Word
file and the stamped PDF of one material (same stem) become one item, one row, as in the CLI batch
(``screening.batch.pair_versions``): the Word version is screened, compared with the PDF, and the PDF searched for the
seal the call requires; a PDF that cannot be read is a warning on that row.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from screening.batch import (
    ACCEPTED_LABEL,
    BatchEdits,
    BatchReport,
    Source,
    check_suffix,
    pair_versions,
    sources_from_zip,
)
from screening.batch.export import export_csv, export_filename, export_xlsx
from screening.batch.store import BatchInfo
from screening.batch.worker import BatchRunner
from screening.campaigns.model import UnitKind
from screening.errors import ArchiveBomb, MaterialNotFound, UnsupportedFormat, UsageError
from screening.report import Report

from ..access import Bureau, require_bureau
from ..errors import ErrorBody, declare, error_body
from ..reports import render_batch_fragment, render_report_page
from ..uploads import BATCH_MAX_FILES, read_upload, zip_limits
from .screen import wants_html

router = APIRouter(
    prefix="/api/batches", tags=["批量预审"], dependencies=[Depends(require_bureau)], responses=declare(401, 403, 429)
)
NOT_FOUND = declare(s404="找不到该批次（批次编号有误，或不属于本机构）")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnscreenedItem(BaseModel):
    """A material of a batch that has no report: it could not be read, or its screening failed; ``error`` says why
    (``ScreeningError.to_dict()``, as the worker stored it). The report-by-item routes answer this or a ``Report``."""

    filename: str = Field(description="文件名")
    error: ErrorBody = Field(description="未能预审的原因（错误代码与中文说明）")


ITEM_RESPONSE = Report | UnscreenedItem  # response_model of the report-by-item routes (documents the JSON body)


def runner(request: Request) -> BatchRunner:
    return request.app.state.batches


@router.post(
    "",
    status_code=202,
    summary="新建批量预审",
    responses=declare(
        415,
        s404="找不到征集活动",
        s413="文件过大、文件过多或压缩包疑似压缩炸弹",
        s422="材料类型不存在、压缩包无法读取或参数有误",
    ),
)
async def create_batch(
    request: Request,
    campaign: Annotated[str, Form(min_length=1, description="征集活动编号")],
    files: Annotated[list[UploadFile], File(description="多份材料，或一个 zip 压缩包", min_length=1)],
    unit_kind: Annotated[UnitKind, Form(description="推荐单位类型，决定适用的名额")] = "province",
    material: Annotated[str | None, Form(description="材料类型编号（默认按详细材料检查）")] = None,
    title: Annotated[str, Form(description="批次名称（可选）")] = "",
    bureau: Bureau = Depends(require_bureau),
) -> dict[str, Any]:
    info = await create_from_uploads(
        request, bureau, campaign=campaign, files=files, unit_kind=unit_kind, material=material, title=title
    )
    return batch_json(info)


async def create_from_uploads(
    request: Request,
    bureau: Bureau,
    *,
    campaign: str,
    files: list[UploadFile],
    unit_kind: str,
    material: str | None,
    title: str,
) -> BatchInfo:
    """Shared by the API and the web page: validate the call, unpack the uploads, store and queue the batch."""
    settings = request.app.state.settings
    found = request.app.state.services.campaign(campaign)
    if material and found.material(material) is None:
        raise MaterialNotFound(f"征集活动“{found.short_name}”没有材料类型 {material!r}。")
    sources, refused = await unpack(files, settings)
    if not sources:
        raise UsageError(f"没有可预审的材料：请上传 {ACCEPTED_LABEL} 文件，或包含这些文件的 zip 压缩包。")
    return await run_in_threadpool(
        runner(request).submit,
        owner=bureau.name,
        campaign_id=found.id,
        sources=sources,
        material=material or None,
        unit_kind=unit_kind,
        title=title,
        refused=refused,
    )


async def unpack(files: list[UploadFile], settings) -> tuple[list[Source], list[str]]:
    """Uploaded files and zip members as sources, the two versions of one material paired into one source
    (``pair_versions``); names of files of other types are returned as refused. The file limit counts files, before
    pairing: it bounds the bytes and the work, and a pair is two files of both."""
    sources: list[Source] = []
    refused: list[str] = []
    limits = zip_limits(settings)
    for upload in files:
        if not upload.filename:
            continue
        is_zip = upload.filename.lower().endswith(".zip")
        name, data = await read_upload(upload, max_bytes=limits.max_total_bytes if is_zip else settings.max_file_bytes)
        if is_zip:
            accepted, skipped = await run_in_threadpool(sources_from_zip, data, limits=limits)
            sources += accepted
            refused += [s.filename for s in skipped]
            continue
        try:
            check_suffix(name)
        except UnsupportedFormat:
            refused.append(name)
            continue
        sources.append(Source(name, data))
    if len(sources) > BATCH_MAX_FILES:
        raise ArchiveBomb(f"一个批次最多 {BATCH_MAX_FILES} 个文件（本次 {len(sources)} 个），请分批提交。")
    return pair_versions(sources), refused


@router.get("", summary="本机构的批次")
def list_batches(request: Request, bureau: Bureau = Depends(require_bureau)) -> list[dict[str, Any]]:
    return [batch_json(info) for info in runner(request).store.list(bureau.name)]


@router.get("/{batch_id}", summary="批次状态与进度", responses=NOT_FOUND)
def show_batch(batch_id: str, request: Request, bureau: Bureau = Depends(require_bureau)) -> dict[str, Any]:
    return batch_json(owned(request, bureau, batch_id))


@router.get(
    "/{batch_id}/result",
    summary="批次结果（推荐排序、名额、重复）",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}, **NOT_FOUND},
)
def batch_result(batch_id: str, request: Request, bureau: Bureau = Depends(require_bureau)) -> Response:
    info = owned(request, bureau, batch_id)
    result = runner(request).report(bureau.name, batch_id)
    if wants_html(request):
        return HTMLResponse(render_batch_fragment(request, info, result))
    return JSONResponse({"batch": batch_json(info), **result.to_json_dict()})


@router.put("/{batch_id}/edits", summary="调整推荐顺序、剔除材料、添加备注", responses=NOT_FOUND)
def edit_batch(
    batch_id: str, edits: BatchEdits, request: Request, bureau: Bureau = Depends(require_bureau)
) -> dict[str, Any]:
    info = owned(request, bureau, batch_id)
    result = runner(request).edit(bureau.name, batch_id, edits)
    return {"batch": batch_json(info), **result.to_json_dict()}


@router.get(
    "/{batch_id}/items/{item_id}",
    summary="一份材料的完整报告",
    response_model=ITEM_RESPONSE,
    description="预审报告 JSON；材料无法读取或预审失败时返回文件名和原因（filename、error）。"
    "请求头 `Accept: text/html` 时返回报告网页。",
    responses={
        200: {"content": {"application/json": {}, "text/html": {}}, "description": "预审报告，或材料未能预审的原因"},
        **declare(s404="找不到该批次或该材料（或尚未预审完成）"),
    },
)
def batch_item(batch_id: str, item_id: str, request: Request, bureau: Bureau = Depends(require_bureau)) -> Response:
    owned(request, bureau, batch_id)
    item = runner(request).store.item(bureau.name, batch_id, item_id)
    if item is None:
        raise HTTPException(404, error_body("item_not_found", "该批次中没有这份材料，或它尚未预审完成。"))
    if item.report is None:
        return JSONResponse({"filename": item.filename, "error": item.error}, status_code=200)
    if wants_html(request):
        return HTMLResponse(render_report_page(request, item.report, text=item.text))
    return JSONResponse(item.report.to_json_dict())


@router.get(
    "/{batch_id}/export.{fmt}",
    summary="下载推荐排序表 / 推荐汇总表（xlsx 或 csv）",
    responses={200: {"content": {XLSX_TYPE: {}, "text/csv": {}}}, **NOT_FOUND},
)
def export_batch(
    batch_id: str, fmt: Literal["xlsx", "csv"], request: Request, bureau: Bureau = Depends(require_bureau)
) -> Response:
    info = owned(request, bureau, batch_id)
    result = runner(request).report(bureau.name, batch_id)
    return export_response(info, result, fmt)


def export_response(info: BatchInfo, result: BatchReport, fmt: str) -> Response:
    filename = export_filename(result, info.title, fmt)
    disposition = f"attachment; filename=\"batch.{fmt}\"; filename*=UTF-8''{_quote(filename)}"
    if fmt == "xlsx":
        return Response(export_xlsx(result), media_type=XLSX_TYPE, headers={"Content-Disposition": disposition})
    return Response(
        export_csv(result), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
    )


def owned(request: Request, bureau: Bureau, batch_id: str) -> BatchInfo:
    """The batch if this bureau owns it; 404 otherwise (never 403, which would confirm another bureau's id)."""
    info = runner(request).store.get(bureau.name, batch_id)
    if info is None:
        raise HTTPException(404, error_body("batch_not_found", "找不到该批次（批次编号有误，或不属于本机构）。"))
    return info


def batch_json(info: BatchInfo) -> dict[str, Any]:
    base = f"/api/batches/{info.id}"
    return {
        **info.to_dict(),
        "links": {
            "self": base,
            "result": f"{base}/result",
            "edits": f"{base}/edits",
            "xlsx": f"{base}/export.xlsx",
            "csv": f"{base}/export.csv",
            "page": f"/batches/{info.id}",
        },
    }


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
