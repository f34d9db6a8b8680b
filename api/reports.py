"""Glue between the routes and the core library: keep a screened material, and put reports and batches into pages.

Routes screen through the one use case, ``screening.pipeline.screen_source``, with the app's ``Services``
(``request.app.state.services``); ``store_screened`` keeps a bureau's material in the archive afterwards. ``render_*``
wrap the report body rendered by ``screening.render`` (the same HTML the CLI's ``--format html`` writes) in the site's
layout, adding only what a web page has and a file does not: the navigation, the at-a-glance chart and the links back.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from screening.batch import BatchReport, data_dimensions, element_statuses
from screening.batch.export import table_title
from screening.batch.store import BatchInfo
from screening.faces import speak
from screening.pipeline import Screening
from screening.report import SEVERITY_LABELS, VERDICT_LABELS, Report
from screening.services import Services

from . import wording as web_wording
from .access import Bureau
from .paths import templates


def store_screened(services: Services, done: Screening, *, filename: str, campaign_id: str, bureau: Bureau) -> int:
    """Keep a screened material in the service's archive as the bureau's submission; return the record id. Later
    materials are checked against it (``screening.duplicates``)."""
    campaign, report = services.campaign(campaign_id), done.report
    record = services.archive.store_submission(
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        year=campaign.year,
        case_name=report.document.title or filename,
        unit=report.document.unit or bureau.name,
        category=report.declared_category or "",
        text=done.text,
        filename=filename,
        source=bureau.archive_source,
    )
    return record.id


# --- pages ----------------------------------------------------------------------------------------------------


def report_fragment(report: Report, text: str | None) -> str:
    """The report body as HTML, from the report renderer (never re-implemented here); with the screened text it shows
    the material with every evidence span highlighted in place."""
    from screening.render import html_body

    return html_body(report, text=text or None)


def glance(report: Report) -> dict[str, Any]:
    """What the at-a-glance chart shows: each required element's status and each data dimension's presence."""
    return {
        "elements": element_statuses(report),
        "dimensions": data_dimensions(report),
        "counts": {s: sum(f.severity == s for f in report.findings) for s in SEVERITY_LABELS},
    }


def render_report_page(request: Request, report: Report, *, text: str | None = None, back: str = "/") -> str:
    report = speak(report, web_wording.HOW_TO)  # the web's own how-to (no CLI flags), e.g. for an undeclared category
    context = {
        "report": report,
        "verdict_label": VERDICT_LABELS[report.verdict],
        "severity_labels": SEVERITY_LABELS,
        "fragment": report_fragment(report, text),
        "glance": glance(report),
        "back": back,
    }
    return templates.get_template("report.html").render(request=request, **context)


def batch_context(info: BatchInfo, result: BatchReport, *, base: str, editable: bool) -> dict[str, Any]:
    return {"batch": info, "result": result, "base": base, "editable": editable, "table_title": table_title(result)}


def render_batch_fragment(request: Request, info: BatchInfo, result: BatchReport) -> str:
    """The table alone, read-only, for API clients asking for HTML (links point at the API)."""
    context = batch_context(info, result, base=f"/api/batches/{info.id}", editable=False)
    return templates.get_template("batch_table.html").render(request=request, **context)


def campaign_choices(services: Services) -> list[dict[str, Any]]:
    """Calls with their categories and materials, for the forms' dependent selects."""
    from .routers.campaigns import campaign_summary

    return [campaign_summary(c) for c in services.campaigns()]
