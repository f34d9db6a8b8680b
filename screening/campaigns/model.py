"""The ``Campaign``: one call for cases (征集通知) as data, validated from ``corpora/campaigns/*.toml``.

Design rules for the rulebook format:

- Everything a check enforces cites the clause it comes from (``clause``), so a finding can say "广电办发〔2025〕45号
  四、材料编写体例" instead of "rule 17".
- Silence is explicit. Where a notice says nothing (no quota, no word limit, no element list), the field is ``None``
  or ``specified = false`` with a ``note``; the loader never fills in a value the notice does not give.
- Descriptions are written in our own words; notice prose is not copied.
- Checks never name an element id: what an element does for them (opens the material, carries the results, looks
  ahead) is its ``role``, and the recommender's table is ``[export] table``. A new call's rulebook carries its own
  rules without code changes.
- Category ids are shared across years for the same idea (``mechanism`` is 体制机制改革 in 2024 and 创新发展机制 in
  2025), and ``aliases`` list the other names, so archive records match across calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CountBasis = Literal["word", "hanzi", "chars", "chars_no_spaces"]
# The one list of the kinds of recommending unit a quota rule is for, with the label the faces show for each.
# city (设区市 / 市（州）) and county (县级) are the unit levels of a province's own call, e.g. a bureau forwarding a
# national call with its own quotas for its cities' and counties' stations.
UNIT_KINDS: dict[str, str] = {
    "province": "省（区、市）",
    "province_3plus": "省（区、市）：上年入选 3 个及以上",
    "central": "中央单位",
    "city": "设区市（市、州）",
    "county": "县级（县、市、区）",
    "other": "其他单位",
}
# Built from the list above, so it is spelled once; pydantic and FastAPI (an enum in the OpenAPI schema) read it.
UnitKind = Literal[tuple(UNIT_KINDS)]  # type: ignore[valid-type]
DEFAULT_UNIT_KIND = "province"
EligibilityKind = Literal[
    "completed_only",  # the case must be finished and producing results
    "no_resubmit_same_category",  # an earlier selection may not apply again in the same category
    "no_resubmit_same_product",  # the same product/service/application as an earlier selection may not apply
    "one_category_per_case",  # one case, one category
    "no_process_documents",  # no project plans / technical plans / work reports as the material
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# What an element does in a material, where a check treats it specially (``role`` on an element in the rulebook):
# - ``opening``: the overall situation a material opens with (its first paragraph leans towards it);
# - ``results``: the results, told in figures (figures count as its evidence; plans inside it are flagged);
# - ``future``: outlook, lessons, next steps (plan-like language is expected there and not flagged).
# Checks ask for a role, never for an element id, so a call that names its elements differently keeps the behaviour.
ElementRole = Literal["opening", "results", "future"]
SINGLE_ROLES = ("opening", "results")  # at most one element per category plays these


class Element(_Strict):
    """A required element of the material (要素), in the notice's order."""

    id: str
    name: str  # short Chinese name, e.g. 总体情况
    summary: str  # what the notice asks for, in our words
    cues: list[str] = Field(min_length=1)  # words and heading phrases that signal the element
    optional_aspects: bool = False  # the notice lets the applicant pick one or more aspects (可选择其中一方面或多方面)
    role: ElementRole | None = None  # what the checks treat it as (see ``ElementRole``); None: nothing special


class Category(_Strict):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str  # our own words
    cues: list[str] = Field(default_factory=list)  # topical words for category suggestion
    clause: str
    elements: list[Element] = Field(default_factory=list)

    @field_validator("elements")
    @classmethod
    def _one_element_per_single_role(cls, elements: list[Element]) -> list[Element]:
        _require_unique([e.id for e in elements], "elements.id")
        _require_unique([e.role for e in elements if e.role in SINGLE_ROLES], "elements.role")
        return elements

    def matches(self, name: str) -> bool:
        key = _norm_name(name)
        return key in {_norm_name(n) for n in (self.name, self.id, *self.aliases)}

    def element_with_role(self, role: ElementRole) -> Element | None:
        """The element playing ``role`` (the first, for ``future``), or None when the call has none."""
        return next((e for e in self.elements if e.role == role), None)


class Material(_Strict):
    id: str
    name: str  # e.g. 综合材料, 详细材料, 简介
    limit: int | None = None  # maximum 字数; None when the notice gives none
    count: CountBasis = "word"
    count_note: str = ""  # why this count basis (the notices never say which count they mean)
    elements_required: bool = False  # the category's elements are checked in this material
    form_field: str | None = None  # the 申报表 field holding this material, if any
    clause: str


class DataDimension(_Strict):
    id: str  # key into corpora/lexicons/dimensions.toml
    name: str  # the notice's word, e.g. 数量规模
    clause: str


class DataExpectations(_Strict):
    dimensions: list[DataDimension] = Field(default_factory=list)
    comparisons_encouraged: bool = False
    avoid_subjective: bool = False
    clause: str
    summary: str


class Quota(_Strict):
    unit_kind: UnitKind
    unit_label: str  # e.g. 各省（区、市）, 中央单位
    per_category: int | None = None
    total: int | None = None
    condition: str = ""  # e.g. 2023年入选案例3个及以上的省份
    clause: str


class Quotas(_Strict):
    specified: bool
    note: str = ""
    rules: list[Quota] = Field(default_factory=list)
    ranking_required: bool = False  # the notice asks recommenders to rank by priority (推荐排序表)
    clause: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Quotas:
        if self.specified and not self.rules:
            raise ValueError("specified = true 时必须给出 rules")
        if not self.specified and not self.note:
            raise ValueError("specified = false 时必须在 note 中说明通知的原话含义")
        return self


class Eligibility(_Strict):
    kind: EligibilityKind
    summary: str
    clause: str
    years: list[int] = Field(default_factory=list)  # earlier selection years the ban covers; empty = any earlier year
    excludes: str = ""  # e.g. 提名案例不在此列


class StampRequirement(_Strict):
    """A document the notice wants stamped with a red official seal (盖章) and sent as a scan.

    ``submitter`` says who stamps it: ``applicant`` (the applying unit's own material, e.g. 申报表 — the seal check
    looks for a seal on the PDF an applicant uploads) or ``recommender`` (the bureau's 推荐排序表 / 推荐汇总表,
    recorded so the rules are complete; the service builds those tables and cannot check their stamp).
    """

    document: str  # 申报表, 推荐排序表, 推荐汇总表
    submitter: Literal["applicant", "recommender"]
    seal: str  # whose seal, e.g. 申报单位公章
    format: str = ""  # how it is sent, e.g. 盖章扫描PDF版，另附不盖章的Word版
    clause: str


TableName = Literal["推荐排序表", "推荐汇总表"]


class ExportTable(_Strict):
    """The table a recommender sends with its recommendations, under the name the notice gives its attachment.

    Jilin's call asks for a 推荐排序表; the 2024 national call's 附件2 is a 推荐汇总表, and so is the 2020 call's
    附件1 (汇总表). A notice that names no table gets 推荐排序表, and ``note`` says so.
    """

    table: TableName
    clause: str = ""  # where the notice names the table
    note: str = ""  # why this name, when the notice names none

    @model_validator(mode="after")
    def _sourced(self) -> ExportTable:
        if not (self.clause or self.note):
            raise ValueError("export 须给出 clause（通知中表格名称的出处），或在 note 中说明通知未规定")
        return self


UNNAMED_TABLE_NOTE = "通知未规定推荐表格的名称，按推荐排序表生成。"


def _unnamed_table() -> ExportTable:
    return ExportTable(table="推荐排序表", note=UNNAMED_TABLE_NOTE)


class Criterion(_Strict):
    name: str  # 政治性, 创新性, 实效性, 典型性 ...
    summary: str
    clause: str


class Dates(_Strict):
    issued: dt.date | None = None  # 成文日期
    published: dt.date | None = None  # 发布日期
    deadline: dt.date | None = None  # 征集截止
    deadline_clause: str = ""
    provincial_deadline: dt.date | None = None  # a forwarding bureau's earlier upload date, when any
    origin_deadline: dt.date | None = None  # a forwarded call's own deadline, when the forwarder's date replaces it
    note: str = ""


class Campaign(_Strict):
    id: str
    name: str
    short_name: str
    family: str  # e.g. media-convergence, smart-network-services, smart-broadcasting-demo
    year: int
    level: Literal["national", "provincial"]
    issuer: str
    notice_number: str
    forwarded_by: str | None = None
    forwarding_notice: str | None = None
    # A bureau's call that forwards a national one and sets its own quotas and date: the call it forwards.
    origin_issuer: str | None = None
    origin_notice: str | None = None
    summary: str
    dates: Dates
    materials: list[Material] = Field(min_length=1)
    elements_specified: bool
    elements_note: str = ""
    categories: list[Category] = Field(min_length=1)
    data: DataExpectations | None = None
    quotas: Quotas
    eligibility: list[Eligibility] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    stamping: list[StampRequirement] = Field(default_factory=list)  # optional: documents that must be stamped
    # The recommender's table; a draft from a new notice that does not say gets 推荐排序表 with a note.
    export: ExportTable = Field(default_factory=_unnamed_table)
    source: str  # the seed file this rulebook was read from

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, cats: list[Category]) -> list[Category]:
        _require_unique([c.id for c in cats], "categories.id")
        _require_unique([c.name for c in cats], "categories.name")
        return cats

    @field_validator("materials")
    @classmethod
    def _unique_materials(cls, mats: list[Material]) -> list[Material]:
        _require_unique([m.id for m in mats], "materials.id")
        return mats

    @model_validator(mode="after")
    def _one_role_per_element_id(self) -> Campaign:
        roles: dict[str, ElementRole | None] = {}
        for element in (e for c in self.categories for e in c.elements):
            if roles.setdefault(element.id, element.role) != element.role:
                raise ValueError(
                    f"要素 {element.id} 在不同类别中的 role 不一致（{roles[element.id]} 与 {element.role}）"
                )
        return self

    @model_validator(mode="after")
    def _elements_present_when_specified(self) -> Campaign:
        if self.elements_specified:
            empty = [c.name for c in self.categories if not c.elements]
            if empty:
                raise ValueError(f"elements_specified = true，但类别 {'、'.join(empty)} 没有 elements")
        elif not self.elements_note:
            raise ValueError("elements_specified = false 时必须在 elements_note 中说明")
        return self

    # --- look-ups used by the checks --------------------------------------------------------------------------

    def category(self, name: str) -> Category | None:
        """Find a category by name, id or alias (体制机制改革 finds 创新发展机制 in 2025)."""
        return next((c for c in self.categories if c.matches(name)), None)

    def material(self, material_id: str) -> Material | None:
        key = _norm_name(material_id)
        return next((m for m in self.materials if key in {_norm_name(m.id), _norm_name(m.name)}), None)

    def element_ids_with_role(self, role: ElementRole) -> frozenset[str]:
        """The ids of the elements that play ``role`` in any category (an id plays one role across categories)."""
        return frozenset(e.id for c in self.categories for e in c.elements if e.role == role)

    @property
    def default_material(self) -> Material:
        """The material a plain upload is checked as: the one with the largest limit (the detailed material)."""
        return max(self.materials, key=lambda m: m.limit or 0)


def _norm_name(name: str) -> str:
    return name.strip().removesuffix("典型案例").removesuffix("类").strip().lower()


def _require_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} 重复：{v}")
        seen.add(v)
