"""``/api/archive``: earlier selections (public facts, readable by anyone) and stored submissions (bureau only).

Writes need a bureau key: an import changes what every later duplicate check compares against. Stored submissions
are listed only to the bureau that stored them (matched on the record's ``source``, which names the bureau).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from screening.archive import Archive
from screening.errors import UnsupportedFormat

from ..access import Bureau, optional_bureau, require_bureau
from ..errors import declare
from ..uploads import NON_EMPTY, named_upload, read_upload

router = APIRouter(prefix="/api/archive", tags=["案例库"])

IMPORT_SUFFIXES = (".csv", ".xlsx")


def archive(request: Request) -> Archive:
    return request.app.state.services.archive


@router.get("", summary="案例库记录（往年入选案例；带机构密钥时含本机构存档的申报材料）")
def list_records(
    request: Request,
    kind: Literal["selection", "submission"] | None = None,
    year: int | None = Query(None, ge=1900, le=2999, description="入选年份"),
    campaign: str | None = Query(None, max_length=100),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    bureau: Bureau | None = Depends(optional_bureau),
) -> dict[str, Any]:
    book = archive(request)
    kinds = [kind] if kind else ["selection", "submission"]
    records = []
    for k in kinds:
        if k == "submission" and bureau is None:
            continue  # anonymous callers see the public selections only
        found = book.records(kind=k, year=year, campaign=campaign)
        if k == "submission":
            found = [r for r in found if r.source == bureau.archive_source]
        records += found
    page = records[offset : offset + limit]
    return {"total": len(records), "offset": offset, "records": [r.to_dict() for r in page]}


@router.post(
    "/import",
    summary="导入往年入选案例（CSV 或 XLSX）",
    responses=declare(401, 403, 429, s413="文件过大", s415="不是 .csv 或 .xlsx 文件"),
    openapi_extra=named_upload("file", "往年入选案例.csv"),
)
async def import_records(
    request: Request,
    file: Annotated[
        UploadFile,
        File(
            description="CSV/XLSX，列：年份、征集活动、类别、案例名称、申报单位、省份、正文",
            json_schema_extra=NON_EMPTY,
        ),
    ],
    bureau: Bureau = Depends(require_bureau),
) -> dict[str, Any]:
    name, data = await read_upload(file, max_bytes=request.app.state.settings.max_file_bytes)
    suffix = Path(name.lower()).suffix
    if suffix not in IMPORT_SUFFIXES:
        raise UnsupportedFormat("案例库导入只支持 .csv 或 .xlsx 文件。")
    result = await run_in_threadpool(_import, archive(request), data, suffix, f"导入：{name}（{bureau.name}）")
    return {
        "imported": result.imported,
        "skipped": [{"row": i.row, "reason": i.reason} for i in result.skipped],
        "errors": [{"row": i.row, "reason": i.reason} for i in result.errors],
        "message": result.summary(),
    }


def _import(book: Archive, data: bytes, suffix: str, source: str):
    """Write the upload to a temporary file with a generated name (the archive reads files) and import it."""
    with tempfile.TemporaryDirectory(prefix="screening-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return book.import_file(path, source=source)
