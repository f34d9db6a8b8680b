"""What every check receives and returns.

A check is a plain function ``run(ctx: CheckContext) -> CheckResult``. The pipeline builds one context per material
and calls the checks in order; checks never call each other, and one check's result reaches another only through
``ctx.results`` (e.g. the claims check reads the quantities found by the quantities check).

What a check may use besides the document and the rules is typed, never looked up by name: ``ctx.services`` (the
service's embedders per use and its archive, ``screening.services.Services``) and ``ctx.inputs`` (what the caller
knows about this one material, ``ScreenInputs``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..campaigns.model import Campaign, Category, Material
from ..documents.model import Document
from ..errors import UsageError
from ..report import Finding
from ..services import Services


@dataclass(frozen=True)
class ScreenInputs:
    """What the caller knows about this one material, beyond its text.

    ``submitted_on``: the date it was submitted, for the deadline (eligibility). ``companion``: the other version of
    the same material (a stamped scan of the Word file), compared with it and searched for the seal (consistency,
    scan). ``case_name`` / ``unit``: when the caller knows them better than the document's form and title, and
    ``exclude_record_ids``: archive records that are this very material (a batch may store before it screens); both
    for the duplicates check.
    """

    submitted_on: dt.date | None = None
    companion: Document | None = None
    case_name: str | None = None
    unit: str | None = None
    exclude_record_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        """A date given as text (the CLI's ``--submitted-on``) is read here, once, with a Chinese message."""
        if self.submitted_on is not None and not isinstance(self.submitted_on, dt.date):
            try:
                object.__setattr__(self, "submitted_on", dt.date.fromisoformat(str(self.submitted_on)))
            except ValueError:
                raise UsageError(f"提交日期“{self.submitted_on}”格式有误，应为 YYYY-MM-DD。") from None
        object.__setattr__(self, "exclude_record_ids", frozenset(self.exclude_record_ids))


@dataclass
class CheckContext:
    document: Document
    campaign: Campaign
    material: Material
    category: Category | None  # the declared category, resolved through aliases; None when not given
    declared_category: str | None = None  # as the user wrote it (may be unknown to the call)
    services: Services = field(default_factory=Services)  # embedders per use, the archive (default: bare, lexical)
    inputs: ScreenInputs = field(default_factory=ScreenInputs)
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
