"""Two ways a bureau's recommendations reach the reviewers, both ending in ``ReviewStore.add_submission``:

- ``submit_batch``: a bureau submits (报送) a batch it finished. The batch is read through the batch store's public,
  owner-checked functions (``get``, ``screened``, ``source``) and the assessed table the bureau saw
  (``report_of``: its order, exclusions and notes), and copied: what was submitted no longer depends on the batch.
- ``import_zip``: a reviewer imports one zip received by mail for a named bureau. The materials are screened here,
  with the same functions as a batch (``screen_sources``, ``find_duplicates``, ``assess``), synchronously: a mailed
  zip holds about a bureau's quota (12 for a province) and a batch of 100 materials took 40.7 s on 2 cores
  (bench/results/api.md, ~0.4 s each), so an import waits seconds and a background queue would add moving parts
  for nothing.

Every check (the bureau is known, the batch is done and not yet submitted, the zip is readable) happens before the
single transaction that stores, so a refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ..batch import (
    ACCEPTED_LABEL,
    BatchEdits,
    BatchReport,
    assess,
    find_duplicates,
    pair_versions,
    screen_sources,
    sources_from_zip,
)
from ..batch.sources import ZipLimits
from ..campaigns.model import Campaign
from ..errors import UsageError
from ..services import Services
from .errors import AlreadySubmitted, BatchNotFinished, SubmissionNotFound, UnknownBureau
from .store import Frozen, ReviewStore, Submission


def submit_batch(
    review: ReviewStore, batch_store, *, owner: str, batch_id: str, report_of: Callable[[str, str], BatchReport | None]
) -> Submission:
    """Freeze the bureau's finished batch as a submission of its call.

    ``report_of(owner, batch_id)`` is the assessed table as the bureau last saw it (the API passes its batch runner's
    ``report``), so the rank, the exclusions and the notes frozen are exactly those of the bureau's 推荐排序表.
    """
    info = batch_store.get(owner, batch_id)
    if info is None:
        raise SubmissionNotFound("找不到该批次（批次编号有误，或不属于本机构）。")
    if info.status != "done":
        raise BatchNotFinished()
    if review.submission_of_batch(batch_id) is not None:
        raise AlreadySubmitted()
    table = report_of(owner, batch_id)
    items = {item.id: item for item in batch_store.screened(owner, batch_id)}
    files = {}
    for item_id in items:
        source = batch_store.source(item_id)
        if source is not None:
            files[item_id] = source.data
    frozen = Frozen(rows=table.rows, items=items, files=files)
    return review.add_submission(
        bureau=owner,
        campaign_id=info.campaign_id,
        unit_kind=info.unit_kind,
        title=info.title,
        origin="batch",
        submitted_by=owner,
        frozen=frozen,
        batch_id=batch_id,
    )


def check_bureau(name: str, known: Iterable[str]) -> str:
    """The bureau's configured name; ``UnknownBureau`` (with the known names) for anything else."""
    name = (name or "").strip()
    names = sorted(set(known))
    if name not in names:
        listed = "、".join(names) if names else "（未配置任何机构）"
        raise UnknownBureau(f"未知的报送机构“{name}”：请从已配置的机构中选择：{listed}。")
    return name


def import_zip(
    review: ReviewStore,
    services: Services,
    *,
    data: bytes,
    bureau: str,
    known_bureaus: Iterable[str],
    campaign: Campaign,
    unit_kind: str,
    reviewer: str,
    zip_limits: ZipLimits,
    material: str | None = None,
    title: str = "",
    received_on: dt.date | None = None,
) -> Submission:
    """Screen a mailed zip as one bureau's submission and store it, frozen, in the bureau's own order (upload order:
    a mailed zip carries no ranking we can read; the reviewer sees the suggested order beside it)."""
    bureau = check_bureau(bureau, known_bureaus)
    accepted, _skipped = sources_from_zip(data, limits=zip_limits)
    if not accepted:
        raise UsageError(f"压缩包中没有可预审的材料（{ACCEPTED_LABEL}），未导入任何内容。")
    paired = pair_versions(accepted)  # Word + stamped PDF of one material: one item (screen_sources pairs the same way)
    items = screen_sources(services, paired, campaign, material=material)
    # Everything in a mailed zip is recommended: an order naming every item includes them all (assess otherwise
    # leaves rejected ones out by default, which is the bureau's choice to make, not ours).
    table = assess(
        items,
        campaign,
        unit_kind=unit_kind,
        duplicates=find_duplicates(items, campaign, embedder=services.embedders.duplicates),
        edits=BatchEdits(order=[i.id for i in items]),
    )
    frozen = Frozen(
        rows=table.rows,
        items={i.id: i for i in items},
        files={i.id: s.data for i, s in zip(items, paired, strict=True)},
    )
    submitted_at = dt.datetime.combine(received_on, dt.time()) if received_on else None
    return review.add_submission(
        bureau=bureau,
        campaign_id=campaign.id,
        unit_kind=unit_kind,
        title=title or f"{bureau}（邮寄导入）",
        origin="import",
        submitted_by=reviewer,
        frozen=frozen,
        submitted_at=submitted_at,
    )
