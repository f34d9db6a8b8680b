"""From a Document and a call to a Report: the one function every face of the service calls.

::

    report = screen(document, get_campaign("nrta-2025-media-convergence"), category="融合生产传播")
    report = screen_file(Path("材料.docx"), filename="材料.docx", campaign_id="nrta-2025-media-convergence")

Steps, each a plain call: pick the material (the call's default, the detailed material, unless named); when the
document is a 申报表 and that material lives in a form field, screen that field's text; resolve the declared
category through the call's aliases (an unknown one is reported by the eligibility check, not raised); run the
content checks in order (``screening.checks.CHECKS``), then category suggestion and duplicates; collect findings,
measurement blocks and degraded-mode notes; derive the verdict.

Options (all optional): ``submitted_on`` (date or ISO string, for the deadline), ``embedder`` (an object with
``encode(list[str]) -> np.ndarray`` of normalised rows), plus whatever the category and duplicates steps read
(``archive``, ``batch``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .campaigns import get_campaign
from .campaigns.model import Campaign, Material
from .checks import CHECKS
from .checks.base import CheckContext, CheckResult
from .documents import document_info, field_document, load_document
from .documents.model import Document
from .errors import MaterialNotFound, UsageError
from .report import CampaignInfo, Report

def screen(
    document: Document,
    campaign: Campaign,
    *,
    category: str | None = None,
    material: str | None = None,
    options: dict | None = None,
) -> Report:
    """Screen one document against one call; see the module docstring."""
    chosen = _material(campaign, material)
    target = material_document(document, chosen)
    declared = category or document.field_value("征集类别") or None
    ctx = CheckContext(
        document=target, campaign=campaign, material=chosen,
        category=campaign.category(declared) if declared else None,
        declared_category=declared, options=_options(options),
    )  # fmt: skip
    report = Report(
        document=document_info(target), campaign=CampaignInfo(id=campaign.id, name=campaign.name,
        notice_number=campaign.notice_number), material=chosen.id, category=ctx.category.name if ctx.category else declared,
    )  # fmt: skip
    for name, run in (*CHECKS, *later_steps()):
        _collect(report, ctx, name, run(ctx))
    return report.finalise()


def screen_file(
    source: Path | bytes,
    *,
    filename: str,
    campaign_id: str,
    category: str | None = None,
    material: str | None = None,
    options: dict | None = None,
) -> Report:
    """Read a file (``screening.documents.load_document``; refusals raise ``InputError``) and screen it."""
    campaign = get_campaign(campaign_id)
    document = load_document(source, filename=filename)
    return screen(document, campaign, category=category, material=material, options=options)


def material_document(document: Document, material: Material) -> Document:
    """The text that is screened as ``material``: a form's field when the material lives in one, else the document.

    Report offsets index this document's text, so renderers highlighting evidence need it too.
    """
    if document.is_form and material.form_field and document.field_value(material.form_field):
        return field_document(document, material.form_field)
    return document


def _material(campaign: Campaign, material: str | None) -> Material:
    if material is None:
        return campaign.default_material
    found = campaign.material(material)
    if found is None:
        known = "、".join(f"{m.id}（{m.name}）" for m in campaign.materials)
        raise MaterialNotFound(f"征集活动 {campaign.id} 没有材料“{material}”。可选：{known}")
    return found


def _options(options: dict | None) -> dict[str, Any]:
    options = dict(options or {})
    submitted = options.get("submitted_on")
    if submitted is not None and not isinstance(submitted, dt.date):
        try:
            options["submitted_on"] = dt.date.fromisoformat(str(submitted))
        except ValueError:
            raise UsageError(f"提交日期“{submitted}”格式有误，应为 YYYY-MM-DD。") from None
    return options


def later_steps() -> tuple[tuple[str, Any], ...]:
    """Category suggestion and duplicates: same ``run(ctx)`` contract, imported on first use because they load
    models and the archive index that the content checks never need."""
    from . import category, duplicates

    return (("category", category.run), ("duplicates", duplicates.run))


def _collect(report: Report, ctx: CheckContext, name: str, result: CheckResult) -> None:
    ctx.results[name] = result
    report.findings += result.findings
    report.degraded += [note for note in result.degraded if note not in report.degraded]
    if result.measurement:
        report.measurements[name] = result.measurement
