"""The sorting score of one material and its reasons (see ``screening.batch`` for what the score is and is not)."""

from __future__ import annotations

from ..report import VERDICT_LABELS, Report
from ..results import DataDimension, ElementReport
from .models import DuplicateLink, Screened

# Points per part of the score (0-100). The verdict dominates on purpose: a material that passes every check should
# come before one that needs revision, whatever its data density; coverage and data break ties within a verdict.
VERDICT_POINTS = {"pass": 40.0, "revise": 25.0, "reject": 0.0, "unreadable": 0.0}
COVERAGE_POINTS = 30.0
DATA_POINTS = 20.0
DUPLICATE_PENALTY = 15.0
WARNING_PENALTY, WARNING_PENALTY_MAX = 2.0, 10.0
ELEMENT_CREDIT = {"covered": 1.0, "weak": 0.5, "missing": 0.0}


def element_statuses(report: Report) -> list[ElementReport]:
    """Each required element with its ``name`` and ``status`` (covered / weak / missing); empty when not checked."""
    return list(report.elements.elements) if report.elements else []


def data_dimensions(report: Report) -> list[DataDimension]:
    """Each data dimension the call asks for, with ``present`` (figures found for it); empty when it names none."""
    return list(report.quantities.dimensions) if report.quantities else []


def element_coverage(report: Report) -> tuple[float, int, int] | None:
    """``(credit, covered, total)`` over the required elements, or None when the elements check did not run."""
    statuses = [e.status for e in element_statuses(report)]
    if not statuses:
        return None
    credit = sum(ELEMENT_CREDIT[s] for s in statuses) / len(statuses)
    return credit, sum(s == "covered" for s in statuses), len(statuses)


def data_coverage(report: Report) -> tuple[float, int, int] | None:
    """``(share, present, total)`` of the call's data dimensions the material gives figures for."""
    flags = [d.present for d in data_dimensions(report)]
    if not flags:
        return None
    return sum(flags) / len(flags), sum(flags), len(flags)


def score_row(item: Screened, duplicates: list[DuplicateLink]) -> tuple[float, list[str]]:
    """The sorting score and its reasons, each reason one short Chinese clause."""
    if item.report is None:
        return 0.0, [f"无法读取：{(item.error or {}).get('message', '')}"]
    report = item.report
    score = VERDICT_POINTS[report.verdict]
    reasons = [f"预审结论：{VERDICT_LABELS[report.verdict]}"]
    coverage = element_coverage(report)
    if coverage:
        credit, covered, total = coverage
        score += COVERAGE_POINTS * credit
        reasons.append(f"必备要素覆盖 {covered}/{total}")
    data = data_coverage(report)
    if data:
        share, present, total = data
        score += DATA_POINTS * share
        reasons.append(f"数据维度 {present}/{total}")
    if duplicates:
        score -= DUPLICATE_PENALTY
        reasons.append("与本批" + "、".join(f"第{d.other_index}份" for d in duplicates) + "材料疑似重复")
    warnings = sum(f.severity == "warning" for f in report.findings)
    if warnings:
        score -= min(WARNING_PENALTY * warnings, WARNING_PENALTY_MAX)
        reasons.append(f"{warnings} 条警告")
    return round(max(score, 0.0), 1), reasons
