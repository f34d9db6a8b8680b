"""Quantitative data: every figure in the material, how dense the figures are, and which data the call asks for.

The notices ask for real, detailed data (the 2025 call names six dimensions: 数量规模、用户反馈、收支情况、经营现状、
商业模式、发展预期, and invites comparisons). This check reports every quantity mention (``screening.numbers``),
the density of data figures per 1000 字 overall and per element, which of the call's dimensions are present, whether
any comparison is made, and how old the newest dated figure is against the call's year.

Findings are deliberately mild except for a material with no data at all: density is advice that can be gamed
(anchors.md §1.2 on e-rater), so a sparse material gets a warning, absent dimensions and comparisons get info.
Where the rulebook has no ``[data]`` section the check measures and says the notice asks for nothing specific.
"""

from __future__ import annotations

from typing import Any

from .. import nlp
from ..documents.model import Document
from ..numbers import Quantity, find_quantities, header_unit, is_data, with_header_unit
from ..report import Finding, Span
from ..wordcount import word_count
from .base import CheckContext, CheckResult
from .length import material_words

SPARSE_PER_1000 = 3.0  # fewer data figures than this per 1000 字 reads as a material without data (bench-calibrated)
STALE_YEARS = 2  # newest dated figure this many years before the call's year or more: the data look old


def run(ctx: CheckContext) -> CheckResult:
    doc = ctx.document
    mentions = quantities_of(doc)
    data = [q for q in mentions if is_data(q)]
    words = max(1, material_words(ctx))
    measurement: dict[str, Any] = {
        "mentions": [q.to_dict() for q in mentions],
        "count": len(mentions),
        "data_count": len(data),
        "per_1000": round(len(data) * 1000 / words, 2),
        "per_element": _per_element(ctx, data),
        "comparisons": sum(1 for q in data if q.comparative),
        "newest_year": _newest_year(mentions, ctx.campaign.year),
    }
    result = CheckResult("quantities", measurement=measurement)
    expectations = ctx.campaign.data
    if expectations is None:
        measurement["dimensions"] = []
        result.findings.append(
            Finding(
                check="quantities",
                code="quantities.no_expectations",
                severity="info",
                message=f"通知未对数据提出具体要求；材料中有 {len(data)} 个数据。",
            )
        )
        return result
    measurement["dimensions"] = _dimensions(doc.text, data, expectations)
    result.findings += _findings(ctx, measurement, data)
    return result


def quantities_of(doc: Document) -> list[Quantity]:
    """Every mention in the text, with bare figures in table columns read under their header's unit (金额（万元）)."""
    mentions = find_quantities(doc.text)
    scaled = _table_header_units(doc)
    return [with_header_unit(q, *scaled[q.start]) if q.start in scaled and q.unit is None else q for q in mentions]


def _table_header_units(doc: Document) -> dict[int, tuple[int, str | None]]:
    """Offsets of table cells whose column header gives a unit, mapped to (multiplier, unit)."""
    scaled: dict[int, tuple[int, str | None]] = {}
    for block in doc.blocks:
        if block.kind != "table" or not block.rows:
            continue
        headers = [header_unit(cell) for cell in block.rows[0]]
        if not any(headers):
            continue
        offset = block.start
        for row_index, row in enumerate(block.rows):
            for column, cell in enumerate(row):
                if row_index and column < len(headers) and headers[column] and cell.strip():
                    scaled[offset + (len(cell) - len(cell.lstrip()))] = headers[column]
                offset += len(cell) + 1  # cells are joined by \t, rows by \n: one character either way
    return scaled


def _per_element(ctx: CheckContext, data: list[Quantity]) -> list[dict[str, Any]]:
    elements = ctx.results.get("elements")
    if elements is None or "elements" not in elements.measurement:
        return []
    text = ctx.document.text
    counted: dict[tuple[int, int], int] = {}  # elements share sections (不足与展望) and paragraphs: count each once

    def words_in(start: int, end: int) -> int:
        if (start, end) not in counted:
            counted[start, end] = word_count(text[start:end])
        return counted[start, end]

    out = []
    for report in elements.measurement["elements"]:
        ranges = [(s["start"], s["end"]) for s in report["sections"]] or [
            (p["start"], p["end"]) for p in report["paragraphs"]
        ]
        words = sum(words_in(a, b) for a, b in ranges)
        figures = sum(1 for q in data if any(a <= q.start < b for a, b in ranges))
        out.append(
            {
                "id": report["id"],
                "name": report["name"],
                "figures": figures,
                "per_1000": round(figures * 1000 / words, 2) if words else None,
            }
        )
    return out


def _newest_year(mentions: list[Quantity], call_year: int) -> int | None:
    years = [int(q.upper or q.value) for q in mentions if q.kind == "date" and q.unit in ("年", "年度")]
    years = [y for y in years if y <= call_year + 1]  # targets such as 到2030年 say nothing about the data's age
    return max(years, default=None)


def _dimensions(text: str, data: list[Quantity], expectations) -> list[dict[str, Any]]:
    lexicon = nlp.read_toml("dimensions.toml")
    out = []
    for dimension in expectations.dimensions:
        entry = lexicon.get(dimension.id, {})
        if entry.get("quantified", True) and entry.get("kind"):
            figures = [q for q in data if q.kind == entry["kind"]]
            evidence = [{"start": q.start, "end": q.end, "text": q.span} for q in figures[:5]]
            present = bool(figures)
        else:
            hits = nlp.find_phrases(text, entry.get("words", [])) if entry.get("words") else []
            evidence = [{"start": h.start, "end": h.end, "text": h.phrase} for h in hits[:5]]
            present = bool(hits)
        out.append({"id": dimension.id, "name": dimension.name, "present": present, "evidence": evidence})
    return out


def _findings(ctx: CheckContext, m: dict[str, Any], data: list[Quantity]) -> list[Finding]:
    expectations = ctx.campaign.data
    rule = ctx.cite(expectations.clause)
    findings = []
    if not data:
        findings.append(
            Finding(
                check="quantities",
                code="quantities.none",
                severity="warning",
                rule=rule,
                message="材料中没有任何数据（用户规模、收支、反馈等数字），无法量化说明案例成效。",
                suggestion=f"请用真实、具体的数据说明成效。通知的要求：{expectations.summary}",
            )
        )
        return findings
    if m["per_1000"] < SPARSE_PER_1000:
        findings.append(
            Finding(
                check="quantities",
                code="quantities.sparse",
                severity="warning",
                rule=rule,
                message=f"数据偏少：每千字约 {m['per_1000']} 个数据（共 {len(data)} 个）。",
                suggestion="请在成效部分补充可核实的数据，如用户规模、播放量、营收、满意度，并注明统计时间。",
            )
        )
    absent = [d for d in m["dimensions"] if not d["present"]]
    if absent:
        names = "、".join(d["name"] for d in absent)
        findings.append(
            Finding(
                check="quantities",
                code="quantities.dimensions_missing",
                severity="info",
                rule=rule,
                message=f"通知列出的数据维度中，未见：{names}。",
                suggestion=f"如案例涉及，请补充{names}方面的数据或说明。",
            )
        )
    if expectations.comparisons_encouraged and not m["comparisons"]:
        findings.append(
            Finding(
                check="quantities",
                code="quantities.no_comparison",
                severity="info",
                rule=rule,
                message="材料中没有对比数据（同比、环比、较上年、增长倍数等）。",
                suggestion="通知鼓励加入对比数据，可补充与上年或实施前的对比。",
            )
        )
    findings += _age_findings(ctx, m["newest_year"], m["mentions"])
    return findings


def _age_findings(ctx: CheckContext, newest: int | None, mentions: list[dict[str, Any]]) -> list[Finding]:
    rule = ctx.cite(ctx.campaign.data.clause)
    if newest is None:
        return [
            Finding(
                check="quantities",
                code="quantities.undated",
                severity="info",
                rule=rule,
                message="数据均未注明年份或统计时间。",
                suggestion="请注明关键数据的统计截止时间（如“截至2024年底”）。",
            )
        ]
    if ctx.campaign.year - newest >= STALE_YEARS:
        return [
            Finding(
                check="quantities",
                code="quantities.stale",
                severity="warning",
                rule=rule,
                message=f"材料中最新的数据年份是 {newest} 年，距本次征集（{ctx.campaign.year} 年）已有 {ctx.campaign.year - newest} 年。",
                evidence=[
                    Span(start=q["start"], end=q["end"], text=q["span"], label="最新的数据年份")
                    for q in mentions
                    if q["kind"] == "date" and str(newest) in (q["value"], q["upper"])
                ][:1],
                suggestion="请更新为最近一年的数据。",
            )
        ]
    return []
