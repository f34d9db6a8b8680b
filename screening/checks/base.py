"""What every check receives and returns.

A check is a plain function ``run(ctx: CheckContext) -> CheckResult``. The pipeline builds one context per material
and calls the checks in order; checks never call each other, and one check's result reaches another only through
``ctx.results`` (e.g. the claims check reads the quantities found by the quantities check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..campaigns.model import Campaign, Category, Material
from ..documents.model import Document
from ..report import Finding


@dataclass
class CheckContext:
    document: Document
    campaign: Campaign
    material: Material
    category: Category | None  # the declared category, resolved through aliases; None when not given
    declared_category: str | None = None  # as the user wrote it (may be unknown to the call)
    options: dict[str, Any] = field(default_factory=dict)  # e.g. submitted_on, embedder, archive, batch
    results: dict[str, CheckResult] = field(default_factory=dict)  # results of the checks that ran before

    def cite(self, clause: str) -> str:
        """A rule citation: notice number plus clause."""
        return f"{self.campaign.notice_number} {clause}".strip()


@dataclass
class CheckResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    measurement: dict[str, Any] = field(default_factory=dict)
    degraded: list[str] = field(default_factory=list)  # Chinese notes when the check ran with less than it needs
