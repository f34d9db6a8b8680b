"""Which rule of the call a duplicate breaks, and how badly.

The rules are data: the campaign's ``eligibility`` list (kinds ``no_resubmit_same_category``,
``no_resubmit_same_product``, ``one_category_per_case``). This module only decides whether a matched record falls under
one of them:

- an earlier **selection** of the same series of calls (the 2024 national media-convergence cases for the 2025 call),
  in a year the rule covers, declared again in the same category (through aliases) -> error;
- an earlier selection of the same series when the call bans the same product in any category -> error;
- the same case under two categories in one batch or call -> error where the call says one case, one category;
- anything else similar (an older selection, another series, a stored submission) -> warning, so a reviewer looks.

"Same series" compares call names with years, brackets and 征集/推选/评选 removed (全国广播电视媒体融合典型案例 in
2024 and 2025), because imported records carry the call's name, not our rulebook id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..archive import Record
from ..campaigns.model import Campaign, Category, Eligibility
from .compare import KIND_LABELS, Comparison
from .names import similarity

SERIES_SIMILARITY = 90.0
FIRM_NAME_MATCH = 0.9
_SERIES_NOISE = re.compile(r"\d{4}年?度?|[（(][^）)]*[）)]|征集|推选|评选|活动|和|工作|的")


@dataclass(frozen=True)
class Verdict:
    code: str
    severity: str  # error | warning | info
    message: str  # Chinese
    rule: Eligibility | None = None


def series_key(name: str) -> str:
    return _SERIES_NOISE.sub("", name or "").strip()


def same_series(record: Record, campaign: Campaign) -> bool:
    if record.campaign_id:
        return record.campaign_id.split("-")[0] == campaign.id.split("-")[0] and _family(record) == campaign.family
    return similarity(series_key(record.campaign), series_key(campaign.name)) >= SERIES_SIMILARITY


def _family(record: Record) -> str:
    # rulebook ids read issuer-year-family, e.g. nrta-2025-media-convergence
    return record.campaign_id.split("-", 2)[-1] if record.campaign_id else ""


def _rule(campaign: Campaign, kind: str) -> Eligibility | None:
    return next((e for e in campaign.eligibility if e.kind == kind), None)


def _what(comparison: Comparison) -> str:
    return f"{KIND_LABELS[comparison.kind]}（相似度 {comparison.score:.0%}）"


def judge_record(comparison: Comparison, record: Record, *, campaign: Campaign, declared: Category | None) -> Verdict:
    """The verdict for a material that matches an archive record.

    A match on names alone (``renamed``) below ``FIRM_NAME_MATCH`` is too weak to block a recommendation: it breaks
    the same rule but is reported as a warning for a reviewer to confirm.
    """
    verdict = _judge_record(comparison, record, campaign=campaign, declared=declared)
    if verdict.severity == "error" and comparison.kind == "renamed" and comparison.score < FIRM_NAME_MATCH:
        return replace(verdict, severity="warning", message="疑似" + verdict.message + "请人工核实是否为同一案例。")
    return verdict


def _judge_record(comparison: Comparison, record: Record, *, campaign: Campaign, declared: Category | None) -> Verdict:
    what = _what(comparison)
    if record.kind == "selection" and same_series(record, campaign):
        same_category = bool(declared and record.category and declared.matches(record.category))
        rule = _rule(campaign, "no_resubmit_same_category")
        if rule and same_category and (not rule.years or record.year in rule.years):
            return Verdict(
                "duplicates.resubmitted_same_category",
                "error",
                f"与{record.year}年已入选案例“{record.case_name}”{what}，且以相同类别“{declared.name}”再次申报。",
                rule,
            )
        rule = _rule(campaign, "no_resubmit_same_product")
        if rule and record.year < campaign.year:
            return Verdict(
                "duplicates.same_product",
                "error",
                f"与{record.year}年已入选案例“{record.case_name}”{what}，疑似同一产品或服务再次申报。",
                rule,
            )
        return Verdict(
            "duplicates.similar_to_selection",
            "warning",
            f"与{record.year}年已入选案例“{record.case_name}”{what}，请说明本次申报的新进展或区别。",
        )
    if record.kind == "selection":
        return Verdict(
            "duplicates.similar_to_selection",
            "warning",
            f"与往届入选案例“{record.label}”{what}，请核实是否属于重复申报。",
        )
    if record.campaign_id == campaign.id and declared and record.category and not declared.matches(record.category):
        rule = _rule(campaign, "one_category_per_case")
        return Verdict(
            "duplicates.one_category_per_case",
            "error" if rule else "warning",
            f"与已提交的申报材料“{record.case_name}”（类别“{record.category}”）{what}，"
            f"同一案例不能以不同类别重复申报。",
            rule,
        )
    return Verdict(
        "duplicates.similar_submission", "warning", f"与已提交的申报材料“{record.label}”{what}，请核实是否重复提交。"
    )


def judge_pair(
    comparison: Comparison, *, campaign: Campaign | None, category_a: str, category_b: str, name_a: str, name_b: str
) -> Verdict:
    """The verdict for two materials of one batch that match each other."""
    what = _what(comparison)
    rule = _rule(campaign, "one_category_per_case") if campaign else None
    cat_a = campaign.category(category_a) if campaign and category_a else None
    cat_b = campaign.category(category_b) if campaign and category_b else None
    different = (cat_a.id != cat_b.id) if cat_a and cat_b else (category_a != category_b)
    if category_a and category_b and different:
        return Verdict(
            "duplicates.one_category_per_case",
            "error" if rule else "warning",
            f"同一批次中“{name_a}”（{category_a}）与“{name_b}”（{category_b}）{what}，疑似同一案例以不同类别重复申报。",
            rule,
        )
    return Verdict("duplicates.batch_duplicate", "warning", f"同一批次中“{name_a}”与“{name_b}”{what}，疑似重复申报。")
