"""Screening the materials of a batch, one by one, and finding the duplicates among them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..campaigns.model import Campaign
from ..documents.guard import Limits
from ..documents.model import Document
from ..errors import ScreeningError
from ..report import Finding, Report
from .columns import case_name_of, columns_of
from .models import DuplicateLink, Screened
from .sources import Source, check_suffix, pair_versions


def new_item_id() -> str:
    return uuid.uuid4().hex


def screen_one(
    source: Source,
    campaign: Campaign,
    *,
    material: str | None = None,
    options: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> tuple[Report | None, dict[str, Any] | None, str]:
    """Screen one material: ``(report, None, text)``, or ``(None, error, "")`` when it is refused.

    A ScreeningError is the material's outcome, not the batch's: one bad file never stops a batch. The document is
    loaded here rather than inside ``screen_file`` because the batch needs its text again for the duplicate check.
    """
    from ..documents import load_document
    from ..pipeline import screen  # late: the pipeline loads the NLP models, which the table code does not need

    try:
        check_suffix(source.filename)
        document = load_document(source.data, filename=source.filename, limits=limits)
        companion, refusal = _companion(source, limits)
        if companion is not None:
            options = {**(options or {}), "companion": companion}
        report = screen(document, campaign, material=material, options=options)
        if refusal is not None:
            report.findings.append(refusal)
            report.finalise()
        return report, None, screened_text(document, campaign, report.material)
    except ScreeningError as exc:
        return None, exc.to_dict(), ""


def _companion(source: Source, limits: Limits | None) -> tuple[Document | None, Finding | None]:
    """The other version of the material (``pair_versions``), or the warning saying why it could not be read."""
    from ..documents import load_document

    other = source.companion
    if other is None:
        return None, None
    try:
        check_suffix(other.filename)
        return load_document(other.data, filename=other.filename, limits=limits), None
    except ScreeningError as exc:
        return None, Finding(
            check="consistency", code="consistency.other_unreadable", severity="warning",
            message=f"同名的另一版本“{other.filename}”无法读取，未能比对两版内容：{exc.message}",
            suggestion="请重新提交清晰的盖章扫描 PDF 或由 Word 导出的 PDF。",
        )


def screened_text(document: Document, campaign: Campaign, material_id: str | None) -> str:
    """The text the report's offsets index: a 申报表's field when the material lives in one, else the whole text."""
    from ..pipeline import material_document

    material = campaign.material(material_id) if material_id else None
    return material_document(document, material or campaign.default_material).text


def screen_sources(
    sources: Iterable[Source],
    campaign: Campaign,
    *,
    material: str | None = None,
    options: dict[str, Any] | None = None,
    limits: Limits | None = None,
    on_progress: Callable[[Screened], None] | None = None,
) -> list[Screened]:
    """Screen each source in order; ``on_progress`` is called after each one (the CLI's progress bar, tests)."""
    done = []
    for index, source in enumerate(pair_versions(list(sources)), start=1):  # Word + stamped PDF of one material: one row
        report, error, text = screen_one(source, campaign, material=material, options=options, limits=limits)
        item = Screened(new_item_id(), index, source.filename, report, error, text)
        done.append(item)
        if on_progress:
            on_progress(item)
    return done


def find_duplicates(items: list[Screened], campaign: Campaign, *, embedder: Any = None) -> dict[str, list[DuplicateLink]]:
    """Duplicates between materials of this batch, per row id, from ``screening.duplicates.cross_batch``.

    Each match is linked from both rows, so either row's reasons name the other. ``embedder`` (the one
    ``screening.embeddings.embedder_for("duplicates")`` gives, None under the measured policy) would add a reworded
    kind; without it the comparison is lexical: verbatim and renamed reuse.
    """
    from ..duplicates import BatchItem, cross_batch  # late: fingerprinting imports jieba and numpy

    readable = [i for i in items if i.report is not None]
    if len(readable) < 2:
        return {}
    by_id = {i.id: i for i in readable}
    batch = [BatchItem(key=i.id, text=i.text, case_name=case_name_of(i), unit=columns_of(i)["unit"],
                       category=columns_of(i)["category"]) for i in readable]
    links: dict[str, list[DuplicateLink]] = defaultdict(list)
    for match in cross_batch(batch, campaign=campaign, embedder=embedder):
        a, b = by_id[match["a"]], by_id[match["b"]]
        for this, other in ((a, b), (b, a)):
            links[this.id].append(DuplicateLink(
                other_id=other.id, other_index=other.index, other_name=case_name_of(other) or other.filename,
                kind=match["kind"], score=float(match["score"]), message=match["message"],
                severity=match.get("severity", "warning"),
            ))
    return dict(links)
