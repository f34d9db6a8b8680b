"""The review queue of a call: every recommended item with its flags, its risk and the decision in force, sorted by
risk (errors, duplicates and mismatches first) and filterable by bureau, category, flag and decision.

Items a bureau excluded from its recommendation are frozen with the submission (they are part of what the bureau
sent) but are not in the queue by default: they do not count against the quota and nobody asked for a decision on
them. ``include_excluded`` shows them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..campaigns.model import Campaign
from .checks import FLAG_LABELS, CrossChecks, Flag, risk_of
from .store import DECISIONS, Decision, FrozenItem, ReviewStore

UNDECIDED = "none"


@dataclass
class QueueFilter:
    bureau: str | None = None
    category: str | None = None
    flag: str | None = None  # a FLAG_LABELS key, or "clean" for items without flags
    decision: str | None = None  # a DECISIONS key, or "none" for undecided items
    include_excluded: bool = False

    def keeps(self, entry: QueueEntry) -> bool:
        item = entry.item
        if not self.include_excluded and not item.included:
            return False
        if self.bureau and item.bureau != self.bureau:
            return False
        if self.category and item.category != self.category:
            return False
        if self.flag == "clean" and entry.flags:
            return False
        if self.flag and self.flag != "clean" and self.flag not in entry.kinds:
            return False
        if self.decision == UNDECIDED and entry.decision is not None:
            return False
        return not (
            self.decision
            and self.decision != UNDECIDED
            and (entry.decision is None or entry.decision.decision != self.decision)
        )


@dataclass
class QueueEntry:
    item: FrozenItem
    flags: list[Flag] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(f.kind for f in self.flags))

    @property
    def risk(self) -> int:
        return risk_of(self.flags, self.item.verdict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.item.summary(),
            "risk": self.risk,
            "flags": [{"kind": k, "label": FLAG_LABELS[k]} for k in self.kinds],
            "messages": [f.message for f in self.flags],
            "decision": self.decision.to_dict() if self.decision else None,
            "links": {"self": f"/api/review/items/{self.item.id}", "page": f"/review/items/{self.item.id}"},
        }


@dataclass
class Queue:
    campaign: Campaign
    entries: list[QueueEntry]
    bureaus: list[str]
    categories: list[str]
    total: int  # entries before filtering

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": {
                "id": self.campaign.id,
                "name": self.campaign.name,
                "notice_number": self.campaign.notice_number,
            },
            "total": self.total,
            "shown": len(self.entries),
            "bureaus": self.bureaus,
            "categories": self.categories,
            "flag_labels": FLAG_LABELS,
            "decision_labels": DECISIONS,
            "items": [e.to_dict() for e in self.entries],
        }


def build_queue(store: ReviewStore, checks: CrossChecks, campaign: Campaign, where: QueueFilter | None = None) -> Queue:
    where = where or QueueFilter()
    items = store.items(campaign_id=campaign.id)
    flags = checks.flags(campaign, items)
    decisions = store.latest_decisions(i.id for i in items)
    entries = [QueueEntry(i, flags.get(i.id, []), decisions.get(i.id)) for i in items]
    entries.sort(key=lambda e: (-e.risk, e.item.bureau, e.item.rank))
    return Queue(
        campaign=campaign,
        entries=[e for e in entries if where.keeps(e)],
        bureaus=sorted({i.bureau for i in items}),
        categories=sorted({i.category for i in items if i.category}),
        total=sum(1 for e in entries if e.item.included or where.include_excluded),
    )


def entry_for(store: ReviewStore, checks: CrossChecks, campaign: Campaign, item: FrozenItem) -> QueueEntry:
    """One item with its flags (computed over its whole call) and the decision in force."""
    flags = checks.flags(campaign, store.items(campaign_id=campaign.id))
    return QueueEntry(item, flags.get(item.id, []), store.latest_decisions([item.id]).get(item.id))
