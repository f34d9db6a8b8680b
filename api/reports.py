"""Glue between the routes and the core library: screen one material, and put reports and batches into pages.

``screen_material`` is the one place the API calls the pipeline for a single material; the JSON route, the HTML route
and the web page all go through it. ``render_*`` wrap the report body rendered by ``screening.render`` (the same HTML
the CLI's ``--format html`` writes) in the site's layout, adding only what a web page has and a file does not: the
navigation, the at-a-glance chart and the links back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from screening.batch import BatchReport, data_dimensions, element_statuses, screened_text
from screening.batch_store import BatchInfo
from screening.campaigns import all_campaigns, get_campaign
from screening.config import Settings
from screening.documents import Limits
from screening.export import table_title
from screening.report import SEVERITY_LABELS, VERDICT_LABELS, Report

from .access import Bureau
from .paths import templates


def pipeline_options(settings: Settings) -> dict[str, Any]:
    """What the pipeline needs from this app's settings rather than the process defaults: each check's embedder as
    ``screening.embeddings.POLICY`` chose it, from ``settings.model_dir``, and the archive in
    ``settings.database_url`` (duplicates are checked against it)."""
    from screening.archive import get_archive
    from screening.embeddings import embedding_options

    return {**embedding_options(settings.model_dir), "archive": get_archive(settings.database_url)}


@dataclass(frozen=True)
class Screening:
    report: Report
    text: str  # the screened text the report's offsets index (for highlighting evidence in place)
    stored_id: int | None = None  # the archive record, when the material was stored


def screen_material(settings: Settings, data: bytes, *, filename: str, campaign_id: str, category: str | None,
                    material: str | None, store_for: Bureau | None = None,
                    companion: tuple[str, bytes] | None = None) -> Screening:
    """Screen one material; when ``store_for`` is a bureau, also keep it in the archive. ``companion`` is the other
    version of the same material (``(filename, bytes)``, e.g. the stamped scan of a Word file): it is compared with
    this one and searched for the seal the call requires (``screening.checks.consistency`` / ``scan``)."""
    from screening import pipeline  # late: loading the NLP models is paid on first use, not at import

    from screening.documents import load_document  # late, with the pipeline

    campaign = get_campaign(campaign_id, settings.campaigns_dir)  # 404 before any parsing when the call is unknown
    document = load_document(data, filename=filename, limits=Limits.from_settings(settings))
    options = pipeline_options(settings)
    if companion is not None:
        options["companion"] = load_document(companion[1], filename=companion[0], limits=Limits.from_settings(settings))
    report = pipeline.screen(document, campaign, category=category, material=material, options=options)
    text = screened_text(document, campaign, report.material)
    if store_for is None:
        return Screening(report, text)
    record = options["archive"].store_submission(
        campaign_id=campaign.id, campaign_name=campaign.name, year=campaign.year,
        case_name=report.document.title or filename, unit=report.document.unit or store_for.name,
        category=report.category or "", text=text, filename=filename, source=store_for.archive_source,
    )
    return Screening(report, text, record.id)


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
    context = {
        "report": report, "verdict_label": VERDICT_LABELS[report.verdict], "severity_labels": SEVERITY_LABELS,
        "fragment": report_fragment(report, text), "glance": glance(report), "back": back,
    }
    return templates.get_template("report.html").render(request=request, **context)


def batch_context(info: BatchInfo, result: BatchReport, *, base: str, editable: bool) -> dict[str, Any]:
    return {"batch": info, "result": result, "base": base, "editable": editable, "table_title": table_title(result)}


def render_batch_fragment(request: Request, info: BatchInfo, result: BatchReport) -> str:
    """The table alone, read-only, for API clients asking for HTML (links point at the API)."""
    context = batch_context(info, result, base=f"/api/batches/{info.id}", editable=False)
    return templates.get_template("batch_table.html").render(request=request, **context)


def campaign_choices(settings: Settings) -> list[dict[str, Any]]:
    """Calls with their categories and materials, for the forms' dependent selects."""
    from .routers.campaigns import campaign_summary

    return [campaign_summary(c) for c in all_campaigns(settings.campaigns_dir)]

