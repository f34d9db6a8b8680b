"""Running a batch: screening its materials one by one, finding the duplicates among them, assessing the table.

This is the one place a batch is run. The CLI (``screening batch``) calls ``run_batch`` on files in hand; the API's
queue workers (``screening.batch.worker``) call ``screen_one`` per claimed item and ``batch_duplicates`` /
``assess_batch`` when a batch is complete. Each material goes through the same use case as a self-check
(``screening.pipeline.screen_source``), with two batch rules: a file outside the allow-list is refused by name
(``check_suffix``), and an unreadable second version costs a warning, not the row.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable

from ..campaigns.model import Campaign
from ..errors import ScreeningError
from ..report import Report
from ..services import Services
from .columns import case_name_of, columns_of
from .export import DUPLICATES_FAILED
from .models import BatchEdits, BatchReport, DuplicateLink, Screened
from .sources import Source, check_suffix, pair_versions
from .table import assess

log = logging.getLogger(__name__)


def new_item_id() -> str:
    return uuid.uuid4().hex


def screen_one(
    services: Services, source: Source, campaign: Campaign, *, material: str | None = None
) -> tuple[Report | None, dict | None, str]:
    """Screen one material: ``(report, None, screened text)``, or ``(None, error, "")`` when it is refused.

    A ScreeningError is the material's outcome, not the batch's: one bad file never stops a batch.
    """
    from ..pipeline import screen_source  # late: the pipeline imports the checks, which the table code does not need

    other = source.companion
    try:
        done = screen_source(
            services,
            source.data,
            filename=source.filename,
            campaign_id=campaign.id,
            material=material,
            companion=(other.filename, other.data) if other else None,
            lenient_companion=True,
            accept=check_suffix,
        )
    except ScreeningError as exc:
        return None, exc.to_dict(), ""
    return done.report, None, done.text


def screen_sources(
    services: Services,
    sources: Iterable[Source],
    campaign: Campaign,
    *,
    material: str | None = None,
    on_progress: Callable[[Screened], None] | None = None,
) -> list[Screened]:
    """Screen each source in order; ``on_progress`` is called after each one (the CLI's progress bar, tests)."""
    done = []
    for index, source in enumerate(
        pair_versions(list(sources)), start=1
    ):  # Word + stamped PDF of one material: one row
        report, error, text = screen_one(services, source, campaign, material=material)
        item = Screened(new_item_id(), index, source.filename, report, error, text)
        done.append(item)
        if on_progress:
            on_progress(item)
    return done


def run_batch(
    services: Services,
    sources: Iterable[Source],
    campaign: Campaign,
    *,
    unit_kind: str = "province",
    material: str | None = None,
    on_progress: Callable[[Screened], None] | None = None,
) -> tuple[list[Screened], BatchReport]:
    """A whole batch in this process (the CLI): screen, compare within the batch, assess."""
    items = screen_sources(services, sources, campaign, material=material, on_progress=on_progress)
    duplicates = batch_duplicates(services, items, campaign)
    return items, assess_batch(items, campaign, unit_kind=unit_kind, duplicates=duplicates)


def batch_duplicates(
    services: Services, items: list[Screened], campaign: Campaign
) -> dict[str, list[DuplicateLink]] | None:
    """The in-batch duplicates, or None when the comparison failed (logged): the table is still useful, and
    ``assess_batch`` then says in its notes that the duplicates were not checked (never a silent gap)."""
    try:
        return find_duplicates(items, campaign, embedder=services.embedders.duplicates)
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("批内重复检查失败")
        return None


def assess_batch(
    items: list[Screened],
    campaign: Campaign,
    *,
    unit_kind: str,
    duplicates: dict[str, list[DuplicateLink]] | None,
    edits: BatchEdits | None = None,
) -> BatchReport:
    """``table.assess`` with the note ``DUPLICATES_FAILED`` when the duplicates are None (the comparison failed)."""
    result = assess(items, campaign, unit_kind=unit_kind, edits=edits, duplicates=duplicates or {})
    if duplicates is None:
        result.notes.append(DUPLICATES_FAILED)
    return result


def find_duplicates(items: list[Screened], campaign: Campaign, *, embedder=None) -> dict[str, list[DuplicateLink]]:
    """Duplicates between materials of this batch, per row id, from ``screening.duplicates.cross_batch``.

    Each match is linked from both rows, so either row's reasons name the other. ``embedder`` (the service's
    ``embedders.duplicates``, None under the measured policy) would add a reworded kind; without it the comparison
    is lexical: verbatim and renamed reuse.
    """
    from ..duplicates import BatchItem, cross_batch  # late: fingerprinting imports jieba and numpy

    readable = [i for i in items if i.report is not None]
    if len(readable) < 2:
        return {}
    by_id = {i.id: i for i in readable}
    batch = [
        BatchItem(
            key=i.id,
            text=i.text,
            case_name=case_name_of(i),
            unit=columns_of(i)["unit"],
            category=columns_of(i)["category"],
        )
        for i in readable
    ]
    links: dict[str, list[DuplicateLink]] = defaultdict(list)
    for match in cross_batch(batch, campaign=campaign, embedder=embedder):
        a, b = by_id[match["a"]], by_id[match["b"]]
        for this, other in ((a, b), (b, a)):
            links[this.id].append(
                DuplicateLink(
                    other_id=other.id,
                    other_index=other.index,
                    other_name=case_name_of(other) or other.filename,
                    kind=match["kind"],
                    score=float(match["score"]),
                    message=match["message"],
                    severity=match.get("severity", "warning"),
                )
            )
    return dict(links)
