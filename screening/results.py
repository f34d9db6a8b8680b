"""The measurement blocks of a report (schema ``screening.report/2``): one pydantic model per check.

Checks build plain dicts: they are cheap to build, and a later check reads an earlier one's through ``ctx.results``
(quantities reads the element spans, claims the figures). The pipeline validates each dict into its model here when
it collects the results (:func:`block_for`), so the Report, its JSON and the served OpenAPI schema carry one typed
shape, and every reader (batch scoring, the renderers, the web page) reads fields instead of guessing keys.

Offsets (``start``/``end``) index the screened text, ``screening.pipeline.material_document(doc, material).text``.

Trade-off: unknown keys are kept (``extra="allow"``) rather than refused. A check that grows a field must not fail a
screening in production; ``tests/test_results.py`` instead asserts that the reports the checks produce carry no key
a model does not declare, so the schema stays complete.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .wordcount import COUNT_BASES

Severity = Literal["error", "warning", "info"]
ElementStatus = Literal["covered", "weak", "missing"]
CountBasis = Literal[COUNT_BASES]  # the keys of screening.wordcount.count


class Block(BaseModel):
    """Base of every measurement model: keeps keys it does not declare (see the module docstring)."""

    model_config = ConfigDict(extra="allow")


class TextSpan(Block):
    start: int
    end: int
    text: str


# --- length ------------------------------------------------------------------------------------------------------


class Crossing(Block):
    """Where the material passes its 字数 limit."""

    offset: int = Field(description="第一个超出上限的字符的位置")
    start: int = Field(description="该字符所在句子的起点")
    end: int = Field(description="该字符所在句子的终点")


class LengthResult(Block):
    material_name: str = Field(description="材料名称，如“详细材料”")
    basis: CountBasis = Field(description="计数口径（规则中的 count）")
    basis_label: str
    count: int = Field(description="按计数口径的字数")
    counts: dict[str, int] = Field(description="四种口径的字数：word、hanzi、chars、chars_no_spaces")
    limit: int | None = Field(description="通知规定的上限；未规定时为 null")
    over_by: int = 0
    crossing: Crossing | None = Field(None, description="超出上限时：从哪里开始超出")
    count_note: str | None = None


# --- elements ----------------------------------------------------------------------------------------------------


class HeadingRef(Block):
    """A headed part of the material (its heading line starts at ``start``; the part runs to ``end``)."""

    heading: str
    level: int
    start: int
    end: int


class ParagraphEvidence(Block):
    start: int
    end: int
    heading: str | None = Field(description="段落所在部分的小标题")
    text: str = Field(description="段落开头（至多 80 字）")
    score: float = Field(description="关键词规则给该段落的得分")


class ElementReport(Block):
    """One required element (要素): whether the material covers it, how sure, and what decided."""

    id: str
    name: str
    status: ElementStatus
    confidence: float = Field(description="对所给状态的把握（0–1）")
    sections: list[HeadingRef] = Field(description="对应该要素的小标题")
    paragraphs: list[ParagraphEvidence] = Field(description="最相关的段落（至多 5 段）")
    first_offset: int | None
    by_heading: bool
    probability: float | None = Field(None, description="学习模型估计写到该要素的概率；关键词规则判定时为 null")
    decided_by: list[TextSpan] | None = Field(None, description="学习模型依据的句子")
    structured: bool | None = Field(None, description="是否按“依通知小标题写成”的阈值判定")


class UnmatchedSection(Block):
    heading: str
    start: int
    end: int


class ElementsResult(Block):
    specified: bool = Field(description="通知是否规定了材料要素")
    note: str | None = Field(None, description="通知未规定要素时的说明")
    required: bool | None = Field(None, description="本材料是否须包含要素")
    category: str | None = Field(None, description="按哪个类别的要素检查")
    category_assumed: bool = Field(False, description="未声明类别，按最接近的类别检查")
    semantic: bool = Field(False, description="是否用了向量模型")
    matcher: str | None = Field(None, description="判定方式：model（学习模型）或 cues（关键词规则）")
    structure: str | None = Field(None, description="no_headings / headings_match_elements / headings_other")
    elements: list[ElementReport] = Field(default_factory=list)
    out_of_order: list[str] = Field(default_factory=list, description="位置与通知顺序不一致的要素 id")
    unmatched_sections: list[UnmatchedSection] = Field(default_factory=list)


# --- quantities --------------------------------------------------------------------------------------------------


class QuantityMention(Block):
    span: str
    start: int
    end: int
    value: str = Field(description="精确数值（十进制字符串）；范围时为下限")
    unit: str | None
    kind: str = Field(description="scale / feedback / finance / operations / expectation / date / rank / other")
    comparative: str | None = Field(description="比较用语，如“同比增长”")
    approx: str | None = Field(description="约数标记，如“近”“超”“余”")
    upper: str | None = Field(description="范围的上限")


class ElementFigures(Block):
    id: str
    name: str
    figures: int
    per_1000: float | None


class DataDimension(Block):
    """One data dimension the call asks for (数量规模、收支情况 …) and whether the material gives it."""

    id: str
    name: str
    present: bool
    evidence: list[TextSpan] = Field(default_factory=list)


class QuantitiesResult(Block):
    mentions: list[QuantityMention]
    count: int
    data_count: int = Field(description="数据个数（不含日期、名次）")
    per_1000: float = Field(description="每千字数据个数")
    per_element: list[ElementFigures] = Field(default_factory=list)
    comparisons: int
    newest_year: int | None
    dimensions: list[DataDimension] = Field(default_factory=list, description="通知列出的数据维度；未列出时为空")


# --- claims ------------------------------------------------------------------------------------------------------


class SubjectiveClaim(Block):
    phrase: str
    start: int
    end: int
    supported: bool = Field(description="同一句或下一句有数据支撑")
    sentence: TextSpan


class PlanSentence(Block):
    word: str
    start: int
    end: int
    text: str
    in_results: bool = Field(description="出现在成效部分")


class ClaimsResult(Block):
    subjective: list[SubjectiveClaim]
    unsupported_count: int
    per_1000: float
    plan_like: list[PlanSentence]


# --- eligibility -------------------------------------------------------------------------------------------------


class EligibilityResult(Block):
    declared_category: str | None = Field(description="用户填写的类别原文")
    category: str | None = Field(description="本次通知中对应的类别名称；无法识别时为 null")
    deadline: dt.date | None
    submitted_on: dt.date | None


# --- category suggestion -----------------------------------------------------------------------------------------


class ScoredSentence(TextSpan):
    score: float


class RankedCategory(Block):
    category: str = Field(description="类别名称")
    id: str
    probability: float
    evidence: list[ScoredSentence] = Field(default_factory=list, description="最支持该类别的句子")
    words_probability: float | None = Field(
        default=None,
        description="仅按字词特征的可能性（结合语义向量时给出；类别不符提示按此值与 warning_threshold 比较）",
    )


class CategorySuggestion(Block):
    """The call's categories ranked by how well the material's content fits each (not the declared category)."""

    ranked: list[RankedCategory] = Field(default_factory=list, description="按可能性从高到低")
    model: str
    degraded: bool
    warning_threshold: float = Field(
        description="与申报类别不符时，建议类别的可能性（有 words_probability 时按它，且排序第一须一致）达到此值才提示"
    )
    threshold: str = Field(description="fixed（固定）或 learned（交叉验证选出）")
    declared: str | None = Field(description="比较所用的申报类别")
    declared_in: str | None = Field(description="申报类别的来源")

    @property
    def top(self) -> RankedCategory | None:
        return self.ranked[0] if self.ranked else None


# --- duplicates --------------------------------------------------------------------------------------------------


class PassagePair(Block):
    ours: TextSpan
    theirs: TextSpan = Field(description="对方文本中的位置")
    score: float


class DuplicateRule(Block):
    kind: str
    summary: str
    clause: str | None = None


class ArchiveRecordRef(Block):
    """The archive record a material duplicates (without its text)."""

    id: int
    kind: str
    year: int
    campaign: str
    campaign_id: str | None = None
    category: str = ""
    case_name: str = ""
    unit: str = ""
    province: str = ""
    source: str = ""
    batch_id: str | None = None
    filename: str = ""


class DuplicateMatch(Block):
    kind: Literal["verbatim", "reworded", "renamed"]
    kind_label: str = Field(description="原文复用 / 改写复用 / 改名重报")
    score: float
    scores: dict[str, float]
    passages: list[PassagePair]
    code: str
    severity: Severity
    message: str
    rule: DuplicateRule | None = Field(description="所违反的通知规定")
    record: ArchiveRecordRef | None = Field(None, description="案例库中的对应记录")


class DuplicatesResult(Block):
    matches: list[DuplicateMatch] = Field(description="按相似度从高到低")
    checked_against: int = Field(description="比对过的案例库记录数")
    model: str | None
    degraded: bool


# --- scan and the two versions -----------------------------------------------------------------------------------


class OcrPage(Block):
    page: int
    confidence: float | None
    chars: int


class SealMark(Block):
    page: int
    bbox: list[float] = Field(description="x0, top, x1, bottom（PDF 点，左上为原点）")
    rim_coverage: float


class ScanResult(Block):
    ocr_pages: list[OcrPage]
    ocr_engine: str | None
    low_confidence_below: float
    seal_pages: list[int] = Field(description="查找过印章的页")
    seals: list[SealMark]


class VersionDifference(Block):
    kind: Literal["number_changed", "text_changed", "missing_in_b", "missing_in_a"]
    a: TextSpan | None = Field(description="本文件中的段落")
    b: TextSpan | None = Field(description="另一版本中的段落")
    figures_a: list[str] = Field(default_factory=list)
    figures_b: list[str] = Field(default_factory=list)
    similarity: float | None = None


class ConsistencyResult(Block):
    other: str = Field(description="另一版本的文件名")
    similarity: float = Field(description="整体相似度（0–100）")
    sentences_a: int
    sentences_b: int
    consistent: bool
    differences: list[VersionDifference]


# --- which check fills which field ---------------------------------------------------------------------------------

# check name -> (Report field, model). Only the category check's field is renamed: ``category`` alone read as the
# declared category, which schema /1 let this block overwrite in the JSON.
BLOCKS: dict[str, tuple[str, type[Block]]] = {
    "length": ("length", LengthResult),
    "elements": ("elements", ElementsResult),
    "quantities": ("quantities", QuantitiesResult),
    "claims": ("claims", ClaimsResult),
    "eligibility": ("eligibility", EligibilityResult),
    "category": ("category_suggestion", CategorySuggestion),
    "duplicates": ("duplicates", DuplicatesResult),
    "scan": ("scan", ScanResult),
    "consistency": ("consistency", ConsistencyResult),
}


def block_for(check: str, data: dict) -> tuple[str, Block]:
    """The Report field and the validated model for one check's measurement dict (``KeyError``: unknown check)."""
    field, model = BLOCKS[check]
    return field, model.model_validate(data)
