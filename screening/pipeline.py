"""From a source and a call to a report: the one use case every face of the service calls.

::

    services = Services.build(load_settings())          # once, at start (create_app, the CLI)
    done = screen_source(services, Path("材料.docx"), filename="材料.docx",
                         campaign_id="nrta-2025-media-convergence", category="融合生产传播")
    done.report, done.document                          # the report, and the document its offsets index

``screen_source`` is what the API (``POST /api/screen``, the web page), the CLI (``screening check``) and the batch
workers (``screening.batch.run.screen_one``) call: read the file (``screening.documents.load_document`` under the
service's limits; refusals raise ``InputError``), read the other version when one is given, and ``screen`` it.

``screen`` does the rest on a loaded document. Steps, each a plain call: pick the material (the call's default, the
detailed material, unless named); when the document is a 申报表 and that material lives in a form field, screen that
field's text; resolve the declared category through the call's aliases (an unknown one is reported by the
eligibility check, not raised); run the content checks in order (``screening.checks.CHECKS``), then category
suggestion and duplicates; collect findings, measurement blocks and degraded-mode notes; derive the verdict. It
returns the report together with the screened document, so no caller rebuilds it.

What a check may use is typed: the ``Services`` (embedders per use, the archive) and the ``ScreenInputs`` (submission
date, the other version, what the caller knows of name and unit). ``Services()`` is the bare library service: no
models, no archive (duplicates then say so in the report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .campaigns.model import Campaign, Material
from .checks import CHECKS
from .checks.base import CheckContext, CheckResult, ScreenInputs
from .documents import document_info, field_document, load_document
from .documents.model import Document
from .errors import MaterialNotFound, ScreeningError
from .report import CampaignInfo, Finding, Report
from .services import Services

__all__ = ["Screening", "ScreenInputs", "Services", "material_document", "screen", "screen_source"]


@dataclass(frozen=True)
class Screening:
    """One screened material: the report, and the document its offsets index (a 申报表's field when the material
    lives in one, else the whole document), for renderers that highlight evidence in place and for the batch's
    duplicate comparison."""

    report: Report
    document: Document

    @property
    def text(self) -> str:
        return self.document.text


def screen_source(
    services: Services,
    source: Path | bytes,
    *,
    filename: str,
    campaign_id: str,
    category: str | None = None,
    material: str | None = None,
    inputs: ScreenInputs | None = None,
    companion: tuple[str, Path | bytes] | None = None,
    lenient_companion: bool = False,
    accept: Callable[[str], None] | None = None,
) -> Screening:
    """Read a file and screen it; see the module docstring.

    The call is looked up first, so an unknown call is answered before any parsing. ``companion`` is the other
    version of the same material (``(filename, bytes or path)``). When it cannot be read, the screening is refused
    (``InputError``), or, with ``lenient_companion`` (a batch, where one bad file must not cost a row), the report
    carries a warning saying why the two versions were not compared. ``accept`` judges file names before reading
    (the batch's allow-list, ``screening.batch.sources.check_suffix``).
    """
    campaign = services.campaign(campaign_id)
    if accept is not None:
        accept(filename)
    document = load_document(source, filename=filename, limits=services.limits)
    refusal = None
    if companion is not None:
        try:
            if accept is not None:
                accept(companion[0])
            other = load_document(companion[1], filename=companion[0], limits=services.limits)
            inputs = _with_companion(inputs, other)
        except ScreeningError as exc:
            if not lenient_companion:
                raise
            refusal = _companion_refused(companion[0], exc)
    done = screen(document, campaign, services=services, inputs=inputs, category=category, material=material)
    if refusal is not None:
        done.report.findings.append(refusal)
        done.report.finalise()
    return done


def screen(
    document: Document,
    campaign: Campaign,
    *,
    services: Services | None = None,
    inputs: ScreenInputs | None = None,
    category: str | None = None,
    material: str | None = None,
) -> Screening:
    """Screen one loaded document against one call; see the module docstring."""
    chosen = _material(campaign, material)
    target = material_document(document, chosen)
    declared = category or document.field_value("征集类别") or None
    ctx = CheckContext(
        document=target,
        campaign=campaign,
        material=chosen,
        category=campaign.category(declared) if declared else None,
        declared_category=declared,
        services=services or Services(),
        inputs=inputs or ScreenInputs(),
    )
    report = Report(
        document=document_info(target),
        campaign=CampaignInfo(id=campaign.id, name=campaign.name, notice_number=campaign.notice_number),
        material=chosen.id,
        declared_category=ctx.category.name if ctx.category else declared,
    )
    for name, run in (*CHECKS, *later_steps()):
        _collect(report, ctx, name, run(ctx))
    return Screening(report.finalise(), target)


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


def _with_companion(inputs: ScreenInputs | None, other: Document) -> ScreenInputs:
    return replace(inputs or ScreenInputs(), companion=other)


def _companion_refused(filename: str, exc: ScreeningError) -> Finding:
    return Finding(
        check="consistency",
        code="consistency.other_unreadable",
        severity="warning",
        message=f"同名的另一版本“{filename}”无法读取，未能比对两版内容：{exc.message}",
        suggestion="请重新提交清晰的盖章扫描 PDF 或由 Word 导出的 PDF。",
    )


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
        report.add_block(name, result.measurement)  # validated into its typed field (screening.results)
