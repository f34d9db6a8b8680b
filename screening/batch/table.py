"""Assessing a batch: rows in priority order (suggested, then as the bureau edited it), quota, counts."""

from __future__ import annotations

from collections import Counter

from ..campaigns.model import Campaign
from ..report import CampaignInfo
from .columns import columns_of, problems_of
from .export import recommender_table
from .models import ROW_VERDICT_LABELS, BatchEdits, BatchReport, BatchRow, DuplicateLink, Screened
from .quota import check_quota
from .scoring import score_row


def assess(
    items: list[Screened],
    campaign: Campaign,
    *,
    unit_kind: str = "province",
    edits: BatchEdits | None = None,
    duplicates: dict[str, list[DuplicateLink]] | None = None,
) -> BatchReport:
    """The batch table: rows in priority order with scores and reasons, the quota status, counts per verdict.

    ``duplicates`` is what ``find_duplicates`` returned (computed once when the batch finishes; edits do not change
    it). Rows are ordered by the bureau's ``edits.order`` where given, then by score; rows the suggestion leaves out
    by default are the unreadable ones and those rejected, which the bureau can include again.
    """
    edits = edits or BatchEdits()
    duplicates = duplicates or {}
    rows = []
    for item in items:
        links = duplicates.get(item.id, [])
        score, reasons = score_row(item, links)
        verdict = item.report.verdict if item.report else "unreadable"
        rows.append(
            BatchRow(
                id=item.id,
                index=item.index,
                rank=0,
                suggested_rank=0,
                filename=item.filename,
                verdict=verdict,
                score=score,
                reasons=reasons,
                warnings=problems_of(item.report),
                duplicates=links,
                note=edits.notes.get(item.id, ""),
                error=item.error,
                **columns_of(item),
                degraded=list(item.report.degraded) if item.report else [],
            )
        )
    suggested = sorted(rows, key=lambda r: (-r.score, r.index))
    for rank, row in enumerate(suggested, start=1):
        row.suggested_rank = rank
    ordered = _apply_order(suggested, edits.order)
    excluded = set(edits.excluded)
    for rank, row in enumerate(ordered, start=1):
        row.rank = rank
        row.included = row.id not in excluded and (bool(edits.order) or row.verdict in ("pass", "revise"))
    quota = check_quota(ordered, campaign, unit_kind=unit_kind)
    counts = Counter(r.verdict for r in ordered)
    return BatchReport(
        campaign=CampaignInfo(id=campaign.id, name=campaign.name, notice_number=campaign.notice_number),
        unit_kind=unit_kind,
        ranking_required=campaign.quotas.ranking_required,
        rows=ordered,
        quota=quota,
        counts={**{v: counts.get(v, 0) for v in ROW_VERDICT_LABELS}, "included": sum(r.included for r in ordered)},
        edited=bool(edits.order or edits.excluded or edits.notes),
        table_title=recommender_table(campaign),
    )


def _apply_order(suggested: list[BatchRow], order: list[str]) -> list[BatchRow]:
    """Rows the bureau placed come first in its order; the others follow in the suggested order."""
    by_id = {r.id: r for r in suggested}
    placed = [by_id[i] for i in dict.fromkeys(order) if i in by_id]
    seen = {r.id for r in placed}
    return placed + [r for r in suggested if r.id not in seen]
