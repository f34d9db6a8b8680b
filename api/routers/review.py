"""The reviewers' desk over HTTP: submissions upward (报送), the review queue, decisions, imports and the export.

API (in the OpenAPI schema; every page action below calls the same functions):

=====================================================  ==========================================  =============
path                                                   what                                        who
=====================================================  ==========================================  =============
POST /api/submissions                                  submit (报送) a finished batch: freeze it   bureau
GET  /api/submissions                                  submissions visible to the caller           both
GET  /api/submissions/{id}                             one submission and its items                owner/reviewer
GET  /api/submissions/{id}/items/{item}/report         a material's report (logged)                owner/reviewer
GET  /api/submissions/{id}/items/{item}/file           a material's file (logged)                  owner/reviewer
GET  /api/review/calls                                 the calls assigned, with counts             reviewer
POST /api/review/imports                               import one mailed zip for a named bureau   reviewer
GET  /api/review/calls/{call}/queue                    the queue, by risk, filtered                reviewer
GET  /api/review/calls/{call}/export.{xlsx|csv}        the review table                            reviewer
GET  /api/review/items/{item}                          flags with evidence, report, history (log)  reviewer
POST /api/review/items/{item}/decisions                record a decision (appended)                reviewer
GET  /api/review/items/{item}/decisions                the decision history                        reviewer
GET  /api/review/access-log                            who opened which material                   reviewer
=====================================================  ==========================================  =============

Roles: a bureau reaches only its own submissions, a reviewer only the calls assigned to them; anything else answers
404 (not 403), so an id from elsewhere is not confirmed. Pages (``/review...``) keep the reviewer key in an HttpOnly,
SameSite=Strict cookie like the bureau pages do (``api.routers.pages``).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from screening.campaigns.model import UNIT_KINDS, UnitKind
from screening.db import get_engine
from screening.errors import ScreeningError
from screening.review import (
    DECISIONS,
    FLAG_LABELS,
    CrossChecks,
    FrozenItem,
    QueueFilter,
    ReviewItemNotFound,
    ReviewStore,
    Submission,
    SubmissionNotFound,
    build_queue,
    check_bureau,
    entry_for,
    import_zip,
    review_csv,
    review_filename,
    review_xlsx,
    submit_batch,
)
from screening.review.store import NOTE_MAX

from ..access import (
    Bureau,
    Reviewer,
    client_of,
    cookie_member,
    key_login,
    key_logout,
    require_bureau,
    require_member,
    require_reviewer,
    reviewer_for_key,
)
from ..errors import declare, error_body
from ..paths import templates
from ..reports import render_report_page
from ..uploads import read_upload, zip_limits
from .batches import ITEM_RESPONSE, XLSX_TYPE, runner
from .pages import cookie_bureau, page
from .screen import wants_html

_lock = threading.Lock()


def responses(**extra: str) -> dict[int | str, dict[str, Any]]:
    """Declared error codes of an endpoint: the role errors plus ``extra`` (``s404="..."``, ``api.errors.declare``)."""
    return declare(429, s401="没有密钥或密钥无效", s403="未配置该角色的密钥，或用机构密钥访问审查功能", **extra)


def review_store(request: Request) -> ReviewStore:
    """Created on first use so the service starts (and health reports) even when the database is down."""
    state = request.app.state
    with _lock:
        if getattr(state, "review_store", None) is None:
            state.review_store = ReviewStore(get_engine(state.settings.database_url))
            state.cross_checks = CrossChecks()
        return state.review_store


def cross_checks(request: Request) -> CrossChecks:
    review_store(request)
    return request.app.state.cross_checks


# --- role checks -------------------------------------------------------------------------------------------------


def visible_submission(request: Request, who: Bureau | Reviewer, submission_id: str) -> Submission:
    found = review_store(request).submission(submission_id)
    if found is None or not may_see(who, found):
        raise SubmissionNotFound()
    return found


def may_see(who: Bureau | Reviewer, submission: Submission) -> bool:
    if isinstance(who, Reviewer):
        return who.may_review(submission.campaign_id)
    return submission.bureau == who.name


def reviewed_item(request: Request, reviewer: Reviewer, item_id: str) -> FrozenItem:
    item = review_store(request).item(item_id)
    if item is None or not reviewer.may_review(item.submission.campaign_id):
        raise ReviewItemNotFound()
    return item


def assigned_call(request: Request, reviewer: Reviewer, campaign_id: str):
    campaign = request.app.state.services.campaign(campaign_id)
    if not reviewer.may_review(campaign.id):
        raise HTTPException(404, error_body("call_not_assigned", "该征集活动未分配给您审查，或不存在。"))
    return campaign


def log_access(request: Request, who: Bureau | Reviewer, item: FrozenItem, action: str) -> None:
    role = "reviewer" if isinstance(who, Reviewer) else "bureau"
    review_store(request).log_access(actor=who.name, role=role, action=action, item=item, client=client_of(request))


# --- API: submissions --------------------------------------------------------------------------------------------

api = APIRouter()


class SubmitRequest(BaseModel):
    batch_id: str = Field(description="已完成预审的批次编号", max_length=64)


@api.post(
    "/api/submissions",
    status_code=201,
    tags=["报送"],
    summary="报送批次（冻结材料、报告、排序、备注和剔除）",
    responses=responses(s404="找不到该批次或不属于本机构", s409="批次未完成，或已经报送过"),
)
def submit(body: SubmitRequest, request: Request, bureau: Bureau = Depends(require_bureau)) -> dict[str, Any]:
    batches = runner(request)
    submission = submit_batch(
        review_store(request), batches.store, owner=bureau.name, batch_id=body.batch_id, report_of=batches.report
    )
    warm_call(request, submission)
    return submission_json(submission)


def warm_call(request: Request, submission: Submission) -> None:
    """Start computing the call's cross-bureau flags now, so the reviewers' queue is ready when they open it."""
    store = review_store(request)
    campaign = request.app.state.services.campaign(submission.campaign_id)
    cross_checks(request).warm(campaign, lambda: store.items(campaign_id=campaign.id))


@api.get(
    "/api/submissions",
    tags=["报送"],
    summary="可查看的报送（机构：本机构的；评审：所分配征集活动的）",
    responses=responses(),
)
def list_submissions(request: Request, who: Bureau | Reviewer = Depends(require_member)) -> list[dict[str, Any]]:
    return [submission_json(s) for s in visible_submissions(request, who)]


def visible_submissions(request: Request, who: Bureau | Reviewer) -> list[Submission]:
    store = review_store(request)
    if isinstance(who, Reviewer):
        return store.submissions(calls=who.visible_calls())
    return store.submissions(bureau=who.name)


@api.get(
    "/api/submissions/{submission_id}",
    tags=["报送"],
    summary="一次报送及其材料",
    responses=responses(s404="找不到该报送，或无权查看"),
)
def show_submission(
    submission_id: str, request: Request, who: Bureau | Reviewer = Depends(require_member)
) -> dict[str, Any]:
    found = visible_submission(request, who, submission_id)
    items = review_store(request).items(submission_id=found.id, with_text=False)
    return {**submission_json(found), "items": [i.summary() for i in items]}


@api.get(
    "/api/submissions/{submission_id}/items/{item_id}/report",
    tags=["报送"],
    summary="报送材料的预审报告（访问留痕）",
    response_model=ITEM_RESPONSE,
    description="预审报告 JSON；材料无法读取时返回文件名和原因（filename、error）。请求头 `Accept: text/html` 时返回报告网页。",
    responses={
        200: {"content": {"application/json": {}, "text/html": {}}, "description": "预审报告，或材料未能预审的原因"},
        **responses(s404="找不到该材料，或无权查看"),
    },
)
def submission_report(
    submission_id: str, item_id: str, request: Request, who: Bureau | Reviewer = Depends(require_member)
) -> Response:
    item = submission_item(request, who, submission_id, item_id)
    log_access(request, who, item, "report")
    if item.report is None:
        return JSONResponse({"filename": item.filename, "error": item.row.error})
    if wants_html(request):
        return HTMLResponse(render_report_page(request, item.report, text=item.text))
    return JSONResponse(item.report.to_json_dict())


@api.get(
    "/api/submissions/{submission_id}/items/{item_id}/file",
    tags=["报送"],
    summary="下载报送材料原文件（访问留痕）",
    responses={
        200: {"content": {"application/octet-stream": {}}},
        **responses(s404="找不到该材料或其文件，或无权查看"),
    },
)
def submission_file(
    submission_id: str, item_id: str, request: Request, who: Bureau | Reviewer = Depends(require_member)
) -> Response:
    item = submission_item(request, who, submission_id, item_id)
    return file_response(request, who, item)


def submission_item(request: Request, who: Bureau | Reviewer, submission_id: str, item_id: str) -> FrozenItem:
    visible_submission(request, who, submission_id)
    item = review_store(request).item(item_id)
    if item is None or item.submission.id != submission_id:
        raise ReviewItemNotFound("该报送中没有这份材料。")
    return item


def file_response(request: Request, who: Bureau | Reviewer, item: FrozenItem) -> Response:
    data = review_store(request).file(item.id)
    if data is None:
        raise ReviewItemNotFound("这份材料没有保存原文件。")
    log_access(request, who, item, "file")
    disposition = f"attachment; filename=\"material.bin\"; filename*=UTF-8''{quote(item.filename, safe='')}"
    return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": disposition})


def submission_json(s: Submission) -> dict[str, Any]:
    return {
        **s.to_dict(),
        "links": {"self": f"/api/submissions/{s.id}", "queue": f"/api/review/calls/{s.campaign_id}/queue"},
    }


# --- API: the review desk ----------------------------------------------------------------------------------------


@api.get("/api/review/calls", tags=["审查"], summary="分配给我的征集活动及报送数", responses=responses())
def my_calls(request: Request, reviewer: Reviewer = Depends(require_reviewer)) -> list[dict[str, Any]]:
    return calls_overview(request, reviewer)


def calls_overview(request: Request, reviewer: Reviewer) -> list[dict[str, Any]]:
    submissions = review_store(request).submissions(calls=reviewer.visible_calls())
    found = []
    for campaign in request.app.state.services.campaigns():
        if not reviewer.may_review(campaign.id):
            continue
        mine = [s for s in submissions if s.campaign_id == campaign.id]
        found.append(
            {
                "id": campaign.id,
                "name": campaign.name,
                "notice_number": campaign.notice_number,
                "submissions": len(mine),
                "bureaus": sorted({s.bureau for s in mine}),
                "items": sum(s.item_count for s in mine),
            }
        )
    return found


@api.post(
    "/api/review/imports",
    status_code=201,
    tags=["审查"],
    summary="导入邮寄收到的报送（每个机构一个 zip）",
    responses=responses(
        s404="找不到征集活动", s413="压缩包过大或疑似压缩炸弹", s422="未知的报送机构、压缩包无法读取或没有可预审的材料"
    ),
)
async def import_submission(
    request: Request,
    campaign: Annotated[str, Form(min_length=1, description="征集活动编号")],
    bureau: Annotated[str, Form(min_length=1, description="报送机构（须为已配置的机构名称）")],
    file: Annotated[UploadFile, File(description="该机构报送材料的 zip 压缩包")],
    unit_kind: Annotated[UnitKind, Form(description="推荐单位类型，决定适用的名额")] = "province",
    material: Annotated[str | None, Form(description="材料类型编号（默认按详细材料检查）")] = None,
    received_on: Annotated[dt.date | None, Form(description="收到日期（默认今天），用于核对是否逾期")] = None,
    reviewer: Reviewer = Depends(require_reviewer),
) -> dict[str, Any]:
    submission = await import_upload(
        request,
        reviewer,
        campaign=campaign,
        bureau=bureau,
        file=file,
        unit_kind=unit_kind,
        material=material,
        received_on=received_on,
    )
    warm_call(request, submission)
    return submission_json(submission)


async def import_upload(
    request: Request,
    reviewer: Reviewer,
    *,
    campaign: str,
    bureau: str,
    file: UploadFile,
    unit_kind: str,
    material: str | None,
    received_on: dt.date | None,
) -> Submission:
    """Shared by the API and the page: check the call and bureau before reading the zip, then screen and store."""
    settings = request.app.state.settings
    found = assigned_call(request, reviewer, campaign)
    check_bureau(bureau, settings.api_keys.values())
    limits = zip_limits(settings)
    _name, data = await read_upload(file, max_bytes=limits.max_total_bytes)
    return await run_in_threadpool(
        import_zip,
        review_store(request),
        request.app.state.services,
        data=data,
        bureau=bureau,
        known_bureaus=settings.api_keys.values(),
        campaign=found,
        unit_kind=unit_kind,
        reviewer=reviewer.name,
        zip_limits=limits,
        material=material or None,
        received_on=received_on,
    )


FLAG_CHOICES = (*FLAG_LABELS, "clean")
DECISION_CHOICES = (*DECISIONS, "none")


def queue_filter(
    bureau: Annotated[str | None, Query(description="只看某机构")] = None,
    category: Annotated[str | None, Query(description="只看某类别")] = None,
    flag: Annotated[
        str | None,
        Query(
            description="只看带某标记的：" + "、".join(FLAG_CHOICES) + "（clean：无标记）",
            json_schema_extra={"enum": ["", *FLAG_CHOICES]},
        ),
    ] = None,
    decision: Annotated[
        str | None,
        Query(
            description="只看某审查结论：pass、return、doubt，或 none（未审查）",
            json_schema_extra={"enum": ["", *DECISION_CHOICES]},
        ),
    ] = None,
    include_excluded: Annotated[bool, Query(description="包括机构未推荐（剔除）的材料")] = False,
) -> QueueFilter:
    """The queue's filters. An empty value means "all" (the page's filter form sends every field); an unknown flag or
    decision is a 422 with the accepted values, not an empty queue that would look like "nothing to review"."""
    if flag and flag not in FLAG_CHOICES:
        raise HTTPException(422, error_body("usage", f"标记 {flag!r} 无效，可选：{'、'.join(FLAG_CHOICES)}。"))
    if decision and decision not in DECISION_CHOICES:
        raise HTTPException(
            422, error_body("usage", f"审查结论 {decision!r} 无效，可选：{'、'.join(DECISION_CHOICES)}。")
        )
    return QueueFilter(
        bureau=bureau or None,
        category=category or None,
        flag=flag or None,
        decision=decision or None,
        include_excluded=include_excluded,
    )


@api.get(
    "/api/review/calls/{campaign_id}/queue",
    tags=["审查"],
    summary="审查队列（按风险排序，可筛选）",
    responses=responses(s404="征集活动不存在或未分配给您", s422="筛选条件无效"),
)
def review_queue(
    campaign_id: str,
    request: Request,
    where: QueueFilter = Depends(queue_filter),
    reviewer: Reviewer = Depends(require_reviewer),
) -> dict[str, Any]:
    campaign = assigned_call(request, reviewer, campaign_id)
    return build_queue(review_store(request), cross_checks(request), campaign, where).to_dict()


@api.get(
    "/api/review/calls/{campaign_id}/export.{fmt}",
    tags=["审查"],
    summary="下载审查结果表（xlsx 或 csv）",
    responses={
        200: {"content": {XLSX_TYPE: {}, "text/csv": {}}},
        **responses(s404="征集活动不存在或未分配给您", s422="筛选条件无效"),
    },
)
def export_review(
    campaign_id: str,
    fmt: Literal["xlsx", "csv"],
    request: Request,
    where: QueueFilter = Depends(queue_filter),
    reviewer: Reviewer = Depends(require_reviewer),
) -> Response:
    campaign = assigned_call(request, reviewer, campaign_id)
    return export_response(build_queue(review_store(request), cross_checks(request), campaign, where), fmt)


def export_response(queue, fmt: str) -> Response:
    disposition = (
        f"attachment; filename=\"review.{fmt}\"; filename*=UTF-8''{quote(review_filename(queue, fmt), safe='')}"
    )
    if fmt == "xlsx":
        return Response(review_xlsx(queue), media_type=XLSX_TYPE, headers={"Content-Disposition": disposition})
    return Response(
        review_csv(queue), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
    )


@api.get(
    "/api/review/items/{item_id}",
    tags=["审查"],
    summary="一份报送材料：标记与证据、对照记录、报告、审查记录（访问留痕）",
    responses=responses(s404="找不到该材料，或不在您负责的征集活动内"),
)
def review_item(item_id: str, request: Request, reviewer: Reviewer = Depends(require_reviewer)) -> dict[str, Any]:
    return item_view(request, reviewer, item_id)


def item_view(request: Request, reviewer: Reviewer, item_id: str) -> dict[str, Any]:
    item = reviewed_item(request, reviewer, item_id)
    campaign = request.app.state.services.campaign(item.submission.campaign_id)
    entry = entry_for(review_store(request), cross_checks(request), campaign, item)
    log_access(request, reviewer, item, "report")
    return {
        **entry.to_dict(),
        "submission": submission_json(item.submission),
        "flag_details": [f.to_dict() for f in entry.flags],
        "report": item.report.to_json_dict() if item.report else None,
        "error": item.row.error,
        "row": {"score": item.row.score, "reasons": item.row.reasons, "warnings": item.row.warnings},
        "history": [d.to_dict() for d in review_store(request).decisions(item.id)],
    }


class DecisionRequest(BaseModel):
    # The schema lists the accepted values (codes and Chinese labels); the value stays a plain string so that any
    # other answers ``invalid_decision`` in Chinese (``screening.review.parse_decision``), not a generic 422.
    decision: str = Field(
        description="形式审查通过（pass）/ 退回补正（return）/ 存疑（doubt）；代码或中文均可",
        json_schema_extra={"enum": [*DECISIONS, *DECISIONS.values()]},
    )
    note: str = Field("", description="审查意见", max_length=NOTE_MAX)


@api.post(
    "/api/review/items/{item_id}/decisions",
    status_code=201,
    tags=["审查"],
    summary="记录审查结论（追加，不覆盖历史）",
    responses=responses(s404="找不到该材料，或不在您负责的征集活动内", s422="审查结论无效"),
)
def decide(
    item_id: str, body: DecisionRequest, request: Request, reviewer: Reviewer = Depends(require_reviewer)
) -> dict[str, Any]:
    return record_decision(request, reviewer, item_id, body.decision, body.note)


def record_decision(request: Request, reviewer: Reviewer, item_id: str, decision: str, note: str) -> dict[str, Any]:
    reviewed_item(request, reviewer, item_id)
    store = review_store(request)
    made = store.add_decision(item_id, decision=decision, note=note, reviewer=reviewer.name)
    return {"decision": made.to_dict(), "history": [d.to_dict() for d in store.decisions(item_id)]}


@api.get(
    "/api/review/items/{item_id}/decisions",
    tags=["审查"],
    summary="审查结论的历史（从早到晚）",
    responses=responses(s404="找不到该材料，或不在您负责的征集活动内"),
)
def decision_history(
    item_id: str, request: Request, reviewer: Reviewer = Depends(require_reviewer)
) -> list[dict[str, Any]]:
    reviewed_item(request, reviewer, item_id)
    return [d.to_dict() for d in review_store(request).decisions(item_id)]


@api.get(
    "/api/review/items/{item_id}/file",
    tags=["审查"],
    summary="下载报送材料原文件（访问留痕）",
    responses={
        200: {"content": {"application/octet-stream": {}}},
        **responses(s404="找不到该材料或其文件，或不在您负责的征集活动内"),
    },
)
def review_file(item_id: str, request: Request, reviewer: Reviewer = Depends(require_reviewer)) -> Response:
    return file_response(request, reviewer, reviewed_item(request, reviewer, item_id))


@api.get(
    "/api/review/access-log",
    tags=["审查"],
    summary="材料访问记录（谁在何时查看了哪份材料）",
    responses=responses(s404="找不到该材料，或不在您负责的征集活动内"),
)
def access_log(
    request: Request,
    item_id: Annotated[str | None, Query(description="只看某份材料")] = None,
    reviewer: Reviewer = Depends(require_reviewer),
) -> list[dict[str, Any]]:
    store = review_store(request)
    if item_id is not None:
        reviewed_item(request, reviewer, item_id)
        return store.access_log(item_id=item_id)
    visible = {s.id for s in store.submissions(calls=reviewer.visible_calls())}
    return [e for e in store.access_log(limit=1000) if e["submission_id"] in visible][:200]


# --- pages -------------------------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
COOKIE = "screening_reviewer"


def cookie_reviewer(request: Request) -> Reviewer | None:
    """The reviewer of the key cookie (``api.access.cookie_member``, as ``cookie_bureau``)."""
    settings = request.app.state.settings
    return cookie_member(
        request, COOKIE, lambda key: reviewer_for_key(key, settings.reviewer_keys, settings.api_keys), role="评审"
    )


def review_page(request: Request, name: str, *, status: int = 200, **context) -> HTMLResponse:
    return page(
        request, name, status=status, nav="review", flag_labels=FLAG_LABELS, decision_labels=DECISIONS, **context
    )


def home_context(request: Request, reviewer: Reviewer) -> dict[str, Any]:
    return {
        "reviewer": reviewer,
        "calls": calls_overview(request, reviewer),
        "unit_kinds": UNIT_KINDS,
        "bureaus": sorted(set(request.app.state.settings.api_keys.values())),
    }


@pages.get("/review", response_class=HTMLResponse)
def review_home(request: Request, imported: str = "") -> HTMLResponse:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return review_page(request, "review_login.html")
    message = "已导入报送。" if imported else ""
    return review_page(request, "review_home.html", message=message, **home_context(request, reviewer))


@pages.post("/review/login")
def review_login(request: Request, api_key: Annotated[str, Form()]) -> Response:
    settings = request.app.state.settings

    def refuse(status: int, error: dict) -> Response:
        return review_page(request, "review_login.html", status=status, error=error)

    if not settings.reviewer_keys:
        return refuse(
            403,
            error_body(
                "review_disabled", "本服务未配置评审密钥，审查功能不可用。请运维人员设置 SCREENING_REVIEWER_KEYS。"
            ),
        )
    return key_login(
        request,
        api_key,
        cookie=COOKIE,
        role="评审",
        target="/review",
        invalid="评审密钥无效，请检查后重试。",
        lookup=lambda key: reviewer_for_key(key, settings.reviewer_keys, settings.api_keys),
        refuse=refuse,
    )


@pages.post("/review/logout")
def review_logout() -> Response:
    return key_logout(COOKIE, "/review")


@pages.post("/review/imports")
async def import_page(
    request: Request,
    campaign: Annotated[str, Form()],
    bureau: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    unit_kind: Annotated[str, Form()] = "province",
    received_on: Annotated[str, Form()] = "",
) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    try:
        day = dt.date.fromisoformat(received_on) if received_on else None
        submission = await import_upload(
            request,
            reviewer,
            campaign=campaign,
            bureau=bureau,
            file=file,
            unit_kind=unit_kind if unit_kind in UNIT_KINDS else "province",
            material=None,
            received_on=day,
        )
    except ValueError:
        return review_page(
            request,
            "review_home.html",
            status=422,
            **home_context(request, reviewer),
            error=error_body("usage", "收到日期格式应为 年-月-日，例如 2025-04-10。"),
        )
    except (ScreeningError, HTTPException) as exc:
        error = exc.to_dict() if isinstance(exc, ScreeningError) else exc.detail
        status = exc.status if isinstance(exc, ScreeningError) else exc.status_code
        return review_page(request, "review_home.html", status=status, **home_context(request, reviewer), error=error)
    warm_call(request, submission)
    return RedirectResponse(f"/review/calls/{submission.campaign_id}?imported=1", status_code=303)


@pages.get("/review/calls/{campaign_id}", response_class=HTMLResponse)
def queue_page(
    campaign_id: str, request: Request, where: QueueFilter = Depends(queue_filter), imported: str = ""
) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    campaign = assigned_call(request, reviewer, campaign_id)
    queue = build_queue(review_store(request), cross_checks(request), campaign, where)
    return review_page(
        request,
        "review_queue.html",
        reviewer=reviewer,
        queue=queue,
        where=where,
        message="已导入报送。" if imported else "",
    )


@pages.get("/review/calls/{campaign_id}/export.{fmt}")
def export_page(campaign_id: str, fmt: str, request: Request, where: QueueFilter = Depends(queue_filter)) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404)
    campaign = assigned_call(request, reviewer, campaign_id)
    return export_response(build_queue(review_store(request), cross_checks(request), campaign, where), fmt)


@pages.get("/review/items/{item_id}", response_class=HTMLResponse)
def item_page(item_id: str, request: Request, saved: int = 0) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    view = item_view(request, reviewer, item_id)
    item = review_store(request).item(item_id)
    return review_page(
        request,
        "review_item.html",
        reviewer=reviewer,
        view=view,
        item=item,
        message="审查结论已记录。" if saved else "",
    )


@pages.get("/review/items/{item_id}/report", response_class=HTMLResponse)
def item_report_page(item_id: str, request: Request) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    item = reviewed_item(request, reviewer, item_id)
    if item.report is None:
        raise ReviewItemNotFound("这份材料无法读取，没有预审报告。")
    log_access(request, reviewer, item, "report")
    return HTMLResponse(render_report_page(request, item.report, text=item.text, back=f"/review/items/{item_id}"))


@pages.get("/review/items/{item_id}/file")
def item_file_page(item_id: str, request: Request) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    return file_response(request, reviewer, reviewed_item(request, reviewer, item_id))


@pages.post("/review/items/{item_id}/decisions")
def decision_page(
    item_id: str, request: Request, decision: Annotated[str, Form()], note: Annotated[str, Form()] = ""
) -> Response:
    reviewer = cookie_reviewer(request)
    if reviewer is None:
        return RedirectResponse("/review", status_code=303)
    try:
        record_decision(request, reviewer, item_id, decision, note[:NOTE_MAX])
    except ReviewItemNotFound:
        raise  # the site's error page (404), not the item page of an item that is not there
    except ScreeningError as exc:
        view = item_view(request, reviewer, item_id)
        return review_page(
            request,
            "review_item.html",
            status=exc.status,
            reviewer=reviewer,
            view=view,
            item=review_store(request).item(item_id),
            error=exc.to_dict(),
        )
    return RedirectResponse(f"/review/items/{item_id}?saved=1", status_code=303)


@pages.post("/batches/{batch_id}/submit")
def submit_page(batch_id: str, request: Request) -> Response:
    """The bureau's 报送 button on its batch page (same function as ``POST /api/submissions``)."""
    bureau = cookie_bureau(request)
    if bureau is None:
        return RedirectResponse("/batches", status_code=303)
    batches = runner(request)
    try:
        submission = submit_batch(
            review_store(request), batches.store, owner=bureau.name, batch_id=batch_id, report_of=batches.report
        )
    except ScreeningError as exc:
        return templates.TemplateResponse(
            request, "error.html", {"status": exc.status, "error": exc.to_dict()}, status_code=exc.status
        )
    warm_call(request, submission)
    return templates.TemplateResponse(request, "review_submitted.html", {"batch_id": batch_id})


router = APIRouter()
router.include_router(api)
router.include_router(pages)
