"""The Report: the one result every face of the service returns (JSON schema ``screening.report/1``).

Findings follow Vale / NIH ASSIST levels: an ``error`` blocks recommendation, a ``warning`` asks for revision, an
``info`` advises. The verdict is derived from the findings, never set by hand:

- any error            -> ``reject``  不符合要求
- any warning, no error -> ``revise``  需修改
- otherwise            -> ``pass``    可推荐

Each check contributes findings plus its own measurement block (``length``, ``elements``, ``quantities``, ``claims``,
``category``, ``duplicates``); blocks are plain dicts so checks can grow without schema churn, while the top level and
``Finding`` are fixed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

SCHEMA = "screening.report/1"

Severity = Literal["error", "warning", "info"]
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
    check: str  # "length" | "elements" | "quantities" | "claims" | "eligibility" | "category" | "duplicates" | "document"
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
    category: str | None = None  # the declared category name the material was checked against
    verdict: Verdict = "pass"
    findings: list[Finding] = Field(default_factory=list)
    degraded: list[str] = Field(default_factory=list)  # Chinese notes on missing capabilities (e.g. no embedding model)
    measurements: dict[str, Any] = Field(default_factory=dict)  # length, elements, quantities, claims, category, duplicates

    model_config = {"populate_by_name": True}

    def finalise(self) -> Report:
        """Sort findings by severity and derive the verdict from them."""
        self.findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        self.verdict = verdict_for(self.findings)
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON shape: measurement blocks sit at the top level beside ``findings``."""
        data = self.model_dump(by_alias=True, exclude={"measurements"})
        data.update(self.measurements)
        return data


def verdict_for(findings: list[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "reject"
    if "warning" in severities:
        return "revise"
    return "pass"
