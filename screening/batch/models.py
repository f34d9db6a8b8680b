"""The batch's data: a screened material (``Screened``) and the assessed table (``BatchReport``) with its rows,
duplicate links, quota status and the bureau's edits. Pydantic models, so the API returns them as they are and the
store keeps them as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..report import VERDICT_LABELS, CampaignInfo, Report

SCHEMA = "screening.batch/1"


@dataclass
class Screened:
    """One material after screening: its report and text, or the refusal that stands in for them."""

    id: str
    index: int  # 1-based order in which the bureau submitted it
    filename: str
    report: Report | None = None
    error: dict[str, Any] | None = None  # ScreeningError.to_dict()
    text: str = ""  # the document's text, kept for the duplicate check across the batch

    @property
    def ok(self) -> bool:
        return self.report is not None


RowVerdict = Literal["pass", "revise", "reject", "unreadable"]
ROW_VERDICT_LABELS = {**VERDICT_LABELS, "unreadable": "无法读取"}


class DuplicateLink(BaseModel):
    other_id: str
    other_index: int
    other_name: str
    kind: str  # as cross_batch names it, e.g. verbatim / reworded / renamed
    score: float
    message: str  # Chinese
    severity: str = "warning"


class BatchRow(BaseModel):
    id: str
    index: int  # upload order
    rank: int  # current priority (1 = first); the bureau's edit when given, else the suggestion
    suggested_rank: int
    included: bool = True  # recommended (counts against the quota)
    filename: str
    case_name: str = ""
    category: str = ""
    unit: str = ""
    contact: str = ""
    position: str = ""  # 部门及职务
    phone: str = ""  # 联系方式
    verdict: RowVerdict
    score: float
    reasons: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # errors and warnings of the report, in Chinese
    duplicates: list[DuplicateLink] = Field(default_factory=list)
    over_quota: list[str] = Field(default_factory=list)
    note: str = ""  # the bureau's own note
    error: dict[str, Any] | None = None
    degraded: list[str] = Field(default_factory=list)  # the report's notes on checks run without a capability

    @property
    def verdict_label(self) -> str:
        return ROW_VERDICT_LABELS[self.verdict]


class QuotaLine(BaseModel):
    scope: Literal["category", "total"]
    category: str | None = None
    count: int
    limit: int
    over: list[str] = Field(default_factory=list)  # row ids beyond the limit, in priority order

    @property
    def ok(self) -> bool:
        return self.count <= self.limit


class QuotaStatus(BaseModel):
    specified: bool
    unit_kind: str
    unit_label: str = ""
    condition: str = ""
    rule: str = ""  # the clause cited
    note: str = ""
    lines: list[QuotaLine] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)  # Chinese, one per broken limit

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)


class BatchEdits(BaseModel):
    """What the bureau changed: a full or partial order of row ids, rows left out, notes per row."""

    order: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    notes: dict[str, str] = Field(default_factory=dict)


class BatchReport(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    campaign: CampaignInfo
    unit_kind: str
    ranking_required: bool
    rows: list[BatchRow]  # in priority order
    quota: QuotaStatus
    counts: dict[str, int]  # per verdict, plus "included"
    edited: bool = False
    notes: list[str] = Field(default_factory=list)  # Chinese notes on what is missing (e.g. duplicates not checked)
    table_title: str = "推荐排序表"  # 推荐排序表 / 推荐汇总表: the rulebook's name (``export.recommender_table``)

    model_config = {"populate_by_name": True}

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(by_alias=True)
        data["quota"]["ok"] = self.quota.ok
        for row, raw in zip(self.rows, data["rows"]):
            raw["verdict_label"] = row.verdict_label
        return data
