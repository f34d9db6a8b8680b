"""The Report: the one result every face of the service returns (JSON schema ``screening.report/2``).

Findings follow Vale / NIH ASSIST levels: an ``error`` blocks recommendation, a ``warning`` asks for revision, an
``info`` advises. The verdict is derived from the findings, never set by hand:

- any error            -> ``reject``  不符合要求
- any warning, no error -> ``revise``  需修改
- otherwise            -> ``pass``    可推荐

Each check contributes findings plus its own measurement block, a typed field of the report (models in
``screening.results``): ``length``, ``elements``, ``quantities``, ``claims``, ``eligibility``, ``category_suggestion``,
``duplicates``, ``scan``, ``consistency``; a block is null (absent from the JSON) when its check had nothing to
measure. The category the material was declared under is ``declared_category``; the one its content suggests is
``category_suggestion``.

Schema /2 differs from /1 in exactly that: in /1 the top-level ``category`` string (the declared category) was
overwritten in the JSON by the category check's block of the same name, and the blocks were untyped. Reports stored
as /1 (batches, submissions) load through :meth:`Report._upgrade`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from .results import (
    BLOCKS,
    CategorySuggestion,
    ClaimsResult,
    ConsistencyResult,
    DuplicatesResult,
    ElementsResult,
    EligibilityResult,
    LengthResult,
    QuantitiesResult,
    ScanResult,
    Severity,
    block_for,
)

log = logging.getLogger(__name__)

SCHEMA = "screening.report/2"
SCHEMA_V1 = "screening.report/1"  # still read from storage (Report._upgrade)
BLOCK_FIELDS = tuple(field for field, _ in BLOCKS.values())

Verdict = Literal["pass", "revise", "reject"]

VERDICT_LABELS: dict[str, str] = {"pass": "可推荐", "revise": "需修改", "reject": "不符合要求"}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


class Span(BaseModel):
    """A piece of the material's text that supports a finding; offsets index ``Document.text``."""

    start: int
    end: int
    text: str
    label: str | None = None  # e.g. the heading of the section, or "匹配段落"


class Finding(BaseModel):
    check: (
        str  # "length" | "elements" | "quantities" | "claims" | "eligibility" | "category" | "duplicates" | "document"
    )
    code: str  # stable machine code, e.g. "length.over_limit"
    severity: Severity
    message: str  # Chinese, says what is wrong
    evidence: list[Span] = Field(default_factory=list)
    rule: str | None = None  # the notice clause enforced, e.g. "广电办发〔2025〕45号 四、材料编写体例"
    suggestion: str | None = None  # Chinese, says what to do


class DocumentInfo(BaseModel):
    filename: str = ""
    format: str = ""
    sha256: str = ""
    pages: int | None = None
    title: str | None = None
    unit: str | None = None  # 申报单位 when a form gives it
    category: str | None = None  # 征集类别 when a form gives it
    counts: dict[str, int] = Field(default_factory=dict)  # see screening.wordcount
    sections: list[dict[str, Any]] = Field(default_factory=list)  # heading, level, start, end
    form: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class CampaignInfo(BaseModel):
    id: str
    name: str
    notice_number: str


class Report(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    document: DocumentInfo
    campaign: CampaignInfo | None = None
    material: str | None = None  # material id, e.g. "detailed"
    declared_category: str | None = Field(
        None, description="申报类别：按本次通知的类别名称（通知中没有该类别时为填写的原文）；未声明时为 null"
    )
    verdict: Verdict = "pass"
    findings: list[Finding] = Field(default_factory=list)
    degraded: list[str] = Field(default_factory=list)  # Chinese notes on missing capabilities (e.g. no embedding model)
    # The measurement blocks, one per check (screening.results); None when the check measured nothing.
    length: LengthResult | None = None
    elements: ElementsResult | None = None
    quantities: QuantitiesResult | None = None
    claims: ClaimsResult | None = None
    eligibility: EligibilityResult | None = None
    category_suggestion: CategorySuggestion | None = Field(None, description="按内容建议的类别（不是申报类别）")
    duplicates: DuplicatesResult | None = None
    scan: ScanResult | None = None
    consistency: ConsistencyResult | None = None

    # forbid: a caller still passing /1's ``category=`` fails loudly instead of losing the declared category
    model_config = {"populate_by_name": True, "extra": "forbid"}

    def add_block(self, check: str, measurement: dict[str, Any]) -> None:
        """Validate one check's measurement dict into its typed field (``screening.results.BLOCKS``)."""
        field, block = block_for(check, measurement)
        setattr(self, field, block)

    def finalise(self) -> Report:
        """Sort findings by severity and derive the verdict from them."""
        self.findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        self.verdict = verdict_for(self.findings)
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON shape (``screening.report/2``): absent blocks are left out rather than null."""
        absent = {field for field in BLOCK_FIELDS if getattr(self, field) is None}
        return self.model_dump(mode="json", by_alias=True, exclude=absent)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """Read a report stored as ``screening.report/1``: the declared category was ``category`` (a string), and
        the blocks sat in ``measurements`` (stored form) or at the top level, where the category check's block had
        replaced the string (public JSON). A /1 block that no longer fits its model is dropped with a log line, so an
        old batch still opens."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_V1:
            return data
        data = dict(data)
        blocks = {
            **{k: v for k, v in data.items() if k in BLOCKS and isinstance(v, dict)},
            **(data.pop("measurements", None) or {}),
        }
        declared = data.pop("category", None)
        data.setdefault("declared_category", declared if isinstance(declared, str) else None)
        for check, measurement in blocks.items():
            data.pop(check, None)
            if check not in BLOCKS or not measurement:
                continue
            try:
                field, block = block_for(check, measurement)
            except ValidationError as exc:
                log.warning("stored /1 report: dropping its %s block, which no longer fits: %s", check, exc)
                continue
            data[field] = block
        data["schema"] = SCHEMA
        return data


def verdict_for(findings: list[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "reject"
    if "warning" in severities:
        return "revise"
    return "pass"
