"""The Chinese web page: server-rendered forms that work without JavaScript and without network access.

Every page calls the same functions as the JSON API (``api.reports``, ``api.routers.batches``); nothing is decided
here. Errors a user can cause are shown on the form they came from, with the library's Chinese message and its
HTTP status.

Bureau pages: a browser cannot send the ``X-API-Key`` header from a plain form, so the key entered once on
``/batches`` is kept in an ``HttpOnly``, ``SameSite=Strict`` cookie (never readable by scripts, never sent by
another site's form) and checked exactly like the header on every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from screening.batch import BatchEdits
from screening.campaigns.model import UNIT_KINDS
from screening.errors import ScreeningError
from screening.pipeline import screen_source

from ..access import Bureau, bureau_for_key, cookie_member, key_login, key_logout
from ..capacity import run_screening
from ..errors import error_body
from ..paths import templates
from ..reports import batch_context, campaign_choices, render_report_page
from ..uploads import BATCH_MAX_FILES
from .batches import create_from_uploads, export_response, runner
from .screen import material_bytes

router = APIRouter(include_in_schema=False)

COOKIE = "screening_key"


def page(request: Request, name: str, *, status: int = 200, **context) -> HTMLResponse:
    settings = request.app.state.settings
    context.setdefault("selected", {})
    context.update(
        max_mb=settings.max_file_bytes // (1024 * 1024), campaigns=campaign_choices(request.app.state.services)
    )
    return templates.TemplateResponse(request, name, context, status_code=status)


# --- self-check -------------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return page(request, "index.html", nav="check", **notice_context(request))


@router.post("/report", response_class=HTMLResponse)
async def report(
    request: Request,
    campaign: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str | None, Form()] = None,
    category: Annotated[str | None, Form()] = None,
    material: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    selected = {"campaign": campaign, "category": category, "material": material, "text": text}
    try:
        filename, data = await material_bytes(request, file, text)
        done = await run_screening(
            request,
            screen_source,
            request.app.state.services,
            data,
            filename=filename,
            campaign_id=campaign,
            category=category or None,
            material=material or None,
        )
    except ScreeningError as exc:
        return page(
            request,
            "index.html",
            status=exc.status,
            nav="check",
            error=exc.to_dict(),
            selected=selected,
            **notice_context(request),
        )
    return HTMLResponse(render_report_page(request, done.report, text=done.text))


def notice_context(request: Request) -> dict:
    """The notice-draft form posts to the notice router's drafting route (its endpoint is ``draft_notice``)."""
    return {"notice_enabled": True, "notice_action": request.app.url_path_for("draft_notice")}


# --- bureau: batches --------------------------------------------------------------------------------------------


def cookie_bureau(request: Request) -> Bureau | None:
    """The bureau of the key cookie (``api.access.cookie_member``)."""
    settings = request.app.state.settings
    return cookie_member(
        request, COOKIE, lambda key: bureau_for_key(key, settings.api_keys, settings.reviewer_keys), role="机构"
    )


@router.get("/batches", response_class=HTMLResponse)
def batches_page(request: Request) -> HTMLResponse:
    bureau = cookie_bureau(request)
    batches = runner(request).store.list(bureau.name) if bureau else []
    return page(
        request,
        "batches.html",
        nav="batches",
        bureau=bureau,
        batches=batches,
        unit_kinds=UNIT_KINDS,
        max_files=BATCH_MAX_FILES,
    )


@router.post("/batches/login")
def login(request: Request, api_key: Annotated[str, Form()]) -> Response:
    settings = request.app.state.settings

    def refuse(status: int, error: dict) -> Response:
        return page(request, "batches.html", status=status, nav="batches", bureau=None, error=error)

    if not settings.api_keys:
        return refuse(
            403,
            error_body("bureau_disabled", "本服务未配置机构密钥，批量预审不可用。请运维人员设置 SCREENING_API_KEYS。"),
        )
    return key_login(
        request,
        api_key,
        cookie=COOKIE,
        role="机构",
        target="/batches",
        invalid="机构密钥无效，请检查后重试。",
        lookup=lambda key: bureau_for_key(key, settings.api_keys, settings.reviewer_keys),
        refuse=refuse,
    )


@router.post("/batches/logout")
def logout() -> Response:
    return key_logout(COOKIE, "/batches")


@router.post("/batches")
async def create_batch_page(
    request: Request,
    campaign: Annotated[str, Form()],
    files: Annotated[list[UploadFile], File()],
    unit_kind: Annotated[str, Form()] = "province",
    material: Annotated[str | None, Form()] = None,
    title: Annotated[str, Form()] = "",
) -> Response:
    bureau = cookie_bureau(request)
    if bureau is None:
        return RedirectResponse("/batches", status_code=303)
    if unit_kind not in UNIT_KINDS:
        unit_kind = "province"
    try:
        info = await create_from_uploads(
            request, bureau, campaign=campaign, files=files, unit_kind=unit_kind, material=material or None, title=title
        )
    except ScreeningError as exc:
        batches = runner(request).store.list(bureau.name)
        return page(
            request,
            "batches.html",
            status=exc.status,
            nav="batches",
            bureau=bureau,
            batches=batches,
            unit_kinds=UNIT_KINDS,
            max_files=BATCH_MAX_FILES,
            error=exc.to_dict(),
        )
    return RedirectResponse(f"/batches/{info.id}", status_code=303)


def _owned_or_redirect(request: Request, batch_id: str):
    bureau = cookie_bureau(request)
    info = runner(request).store.get(bureau.name, batch_id) if bureau else None
    return bureau, info


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: str, saved: int = 0) -> Response:
    bureau, info = _owned_or_redirect(request, batch_id)
    if info is None:
        return _not_found(request, bureau)
    result = runner(request).report(bureau.name, batch_id)
    context = batch_context(info, result, base=f"/batches/{batch_id}", editable=True)
    return page(request, "batch.html", nav="batches", message="排序已保存。" if saved else "", **context)


@router.post("/batches/{batch_id}/edits")
async def save_edits(request: Request, batch_id: str) -> Response:
    bureau, info = _owned_or_redirect(request, batch_id)
    if info is None:
        return _not_found(request, bureau)
    form = await request.form()
    runner(request).edit(bureau.name, batch_id, edits_from_form(dict(form)))
    return RedirectResponse(f"/batches/{batch_id}?saved=1", status_code=303)


def edits_from_form(form: dict) -> BatchEdits:
    """The table form's ``rank_<id>``, ``include_<id>`` and ``note_<id>`` fields as BatchEdits.

    Ranks may repeat or skip numbers (people type 1, 2, 2, 5); rows are ordered by the number typed, ties keeping
    the order they were shown in.
    """
    ranks = []
    for position, (key, value) in enumerate(form.items()):
        if key.startswith("rank_"):
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("inf")
            ranks.append((number, position, key.removeprefix("rank_")))
    order = [row_id for _, _, row_id in sorted(ranks)]
    excluded = [row_id for row_id in order if f"include_{row_id}" not in form]
    notes = {
        k.removeprefix("note_"): str(v).strip()[:200]
        for k, v in form.items()
        if k.startswith("note_") and str(v).strip()
    }
    return BatchEdits(order=order, excluded=excluded, notes=notes)


@router.get("/batches/{batch_id}/export.{fmt}")
def export_page(request: Request, batch_id: str, fmt: str) -> Response:
    bureau, info = _owned_or_redirect(request, batch_id)
    if info is None or fmt not in ("xlsx", "csv"):
        return _not_found(request, bureau)
    return export_response(info, runner(request).report(bureau.name, batch_id), fmt)


@router.get("/batches/{batch_id}/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, batch_id: str, item_id: str) -> Response:
    bureau, info = _owned_or_redirect(request, batch_id)
    item = runner(request).store.item(bureau.name, batch_id, item_id) if info is not None else None
    if item is None or item.report is None:
        return _not_found(request, bureau)
    return HTMLResponse(render_report_page(request, item.report, text=item.text, back=f"/batches/{batch_id}"))


def _not_found(request: Request, bureau: Bureau | None) -> Response:
    if bureau is None:
        return RedirectResponse("/batches", status_code=303)
    error = error_body("batch_not_found", "找不到该批次（批次编号有误，或不属于本机构）。")
    return templates.TemplateResponse(request, "error.html", {"status": 404, "error": error}, status_code=404)
