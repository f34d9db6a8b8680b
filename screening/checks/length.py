"""Length: the material's 字数 against its limit, on the count basis the rulebook names.

Over the limit is an error, and the finding points at the sentence where the allowed 字数 runs out, so the
applicant knows from where to cut. A material far under its limit (below :data:`SHORT_FRACTION` of it) gets a
warning: it is allowed, but reviewers read a thin material as a thin case. Where the notice gives no limit the
check says so as info and invents none.
"""

from __future__ import annotations

from .. import nlp
from ..report import Finding, Span
from ..wordcount import count, count_basis_label, count_for, word_count
from .base import CheckContext, CheckResult

SHORT_FRACTION = 0.3  # below 30% of the limit a material reads as a sketch, not a case


def run(ctx: CheckContext) -> CheckResult:
    material, text = ctx.material, ctx.document.text
    counts = count(text)
    basis = material.count
    total = counts[basis]
    label = count_basis_label(basis)
    measurement = {
        "material_name": material.name,
        "basis": basis,
        "basis_label": label,
        "count": total,
        "counts": counts,
        "limit": material.limit,
        "over_by": 0,
        "crossing": None,
        "count_note": material.count_note,
    }
    result = CheckResult("length", measurement=measurement)
    rule = ctx.cite(material.clause)
    if material.limit is None:
        result.findings.append(
            Finding(
                check="length",
                code="length.no_limit",
                severity="info",
                rule=rule,
                message=f"通知未规定{material.name}的字数上限；本材料{label}为 {total}。",
            )
        )
        return result
    limit = material.limit
    if total > limit:
        crossing = crossing_offset(text, limit, basis)
        sentence = _sentence_at(text, crossing)
        measurement.update(
            over_by=total - limit, crossing={"offset": crossing, "start": sentence.start, "end": sentence.end}
        )
        result.findings.append(
            Finding(
                check="length",
                code="length.over_limit",
                severity="error",
                rule=rule,
                message=f"{material.name}{label}为 {total}，超过通知规定的 {limit} 字上限 {total - limit} 字。",
                evidence=[
                    Span(start=sentence.start, end=sentence.end, text=sentence.text, label="从这一句起超出字数上限")
                ],
                suggestion=f"请删减至少 {total - limit} 字。第 {limit} 字落在所标出的句子中，其后的内容已超出上限；"
                "可优先压缩背景介绍、政策表述和重复的做法描述，保留数据和成效。",
            )
        )
    elif total < limit * SHORT_FRACTION:
        result.findings.append(
            Finding(
                check="length",
                code="length.too_short",
                severity="warning",
                rule=rule,
                message=f"{material.name}{label}仅 {total}，不到 {limit} 字上限的 {SHORT_FRACTION:.0%}，内容可能过于简略。",
                suggestion="请补充具体做法、取得的成效和数据，使评审能据此判断案例的创新性和实效性。",
            )
        )
    return result


def material_words(ctx: CheckContext) -> int:
    """The material's Word 字数, taken from this check's result when it ran (counting 5000字 costs a few ms)."""
    length = ctx.results.get("length")
    return length.measurement["counts"]["word"] if length is not None else word_count(ctx.document.text)


def crossing_offset(text: str, limit: int, basis: str) -> int:
    """The offset of the character at which the count first exceeds ``limit`` (binary search on prefixes).

    Counting is monotone in the prefix (a longer prefix never counts less), so about log2(len(text)) counts find
    the point; each count of a 5000字 text takes well under a millisecond.
    """
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if count_for(text[: mid + 1], basis) > limit:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _sentence_at(text: str, offset: int) -> nlp.Sentence:
    for sentence in nlp.sentences(text):
        if sentence.end > offset:
            return sentence
    return nlp.Sentence(offset, len(text), text[offset:])
