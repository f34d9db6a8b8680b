"""Claims: praise the material gives itself (广受好评, 效果显著) without a figure to show it, and results told as plans.

A subjective phrase is *supported* when a data figure stands in its sentence or the next one ("反响热烈，播放量超
3000万次" is fine; "反响热烈。" alone is not). Unsupported claims are one warning listing every span, where the call
asks to avoid subjective description, else info.

Plan-like language (拟, 计划, 预计, and 将 followed by a verb of intent) describes results as future. It is expected in
the next-steps parts, so sentences inside the elements the rulebook marks ``role = "future"`` (lessons, next steps,
sustainability, replicability) or containing 下一步/未来/今后 are not counted. For calls that accept only completed
cases the rest is a warning; otherwise it is reported as info when it falls in the element marked
``role = "results"``. The roles come from the rulebook, so a call that names its elements differently keeps this.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from .. import nlp
from ..report import Finding, Span
from .base import CheckContext, CheckResult
from .length import material_words


def run(ctx: CheckContext) -> CheckResult:
    text = ctx.document.text
    sentences = nlp.sentences(text)
    starts = [s.start for s in sentences]
    figures = _data_offsets(ctx)
    claims = [
        _claim(hit, sentences, starts, figures) for hit in nlp.find_phrases(text, nlp.read_words("subjective.txt"))
    ]
    plans = _plan_sentences(ctx, sentences)
    unsupported = [c for c in claims if not c["supported"]]
    measurement = {
        "subjective": claims,
        "unsupported_count": len(unsupported),
        "per_1000": round(len(claims) * 1000 / max(1, material_words(ctx)), 2),
        "plan_like": plans,
    }
    result = CheckResult("claims", measurement=measurement)
    result.findings += _claim_findings(ctx, unsupported)
    result.findings += _plan_findings(ctx, plans)
    return result


def _data_offsets(ctx: CheckContext) -> list[int]:
    quantities = ctx.results.get("quantities")
    if quantities is None:  # run alone (tests, tools): find the figures here
        from ..numbers import find_quantities, is_data

        return sorted(q.start for q in find_quantities(ctx.document.text) if is_data(q))
    return sorted(q["start"] for q in quantities.measurement["mentions"] if q["kind"] not in ("date", "rank"))


def _claim(hit: nlp.PhraseHit, sentences: list[nlp.Sentence], starts: list[int], figures: list[int]) -> dict[str, Any]:
    index = max(0, bisect_right(starts, hit.start) - 1)
    sentence = sentences[index] if sentences else nlp.Sentence(hit.start, hit.end, hit.phrase)
    window_end = sentences[index + 1].end if index + 1 < len(sentences) else sentence.end
    supported = any(sentence.start <= f < window_end for f in figures)
    return {
        "phrase": hit.phrase,
        "start": hit.start,
        "end": hit.end,
        "supported": supported,
        "sentence": {"start": sentence.start, "end": sentence.end, "text": sentence.text},
    }


def _claim_findings(ctx: CheckContext, unsupported: list[dict[str, Any]]) -> list[Finding]:
    if not unsupported:
        return []
    data = ctx.campaign.data
    severity = "warning" if data is not None and data.avoid_subjective else "info"
    phrases = "、".join(dict.fromkeys(f"“{c['phrase']}”" for c in unsupported))
    return [
        Finding(
            check="claims",
            code="claims.unsupported",
            severity=severity,
            rule=ctx.cite(data.clause) if data is not None else None,
            message=f"有 {len(unsupported)} 处主观评价没有数据支撑：{phrases}。",
            evidence=[
                Span(
                    start=c["sentence"]["start"],
                    end=c["sentence"]["end"],
                    text=c["sentence"]["text"],
                    label=c["phrase"],
                )
                for c in unsupported
            ],
            suggestion="请在同一句或下一句给出支撑这一评价的数据（如播放量、用户数、满意度调查结果），或删去评价性词语。",
        )
    ]


# --- plans told as results --------------------------------------------------------------------------------------


def _plan_sentences(ctx: CheckContext, sentences: list[nlp.Sentence]) -> list[dict[str, Any]]:
    lexicon = nlp.read_toml("plan_words.toml")
    text = ctx.document.text
    hits = nlp.find_phrases(text, lexicon["words"])
    follows = lexicon["future_jiang"]
    # 将 followed by a verb of intent; jieba may keep 将进一步 as one token
    hits += nlp.find_token_sequences(text, [("将", word) for word in follows] + [("将" + word,) for word in follows])
    future_ranges = _element_ranges(ctx, ctx.campaign.element_ids_with_role("future"))
    results_ranges = _element_ranges(ctx, ctx.campaign.element_ids_with_role("results"))
    starts = [s.start for s in sentences]
    found: dict[int, dict[str, Any]] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        index = bisect_right(starts, hit.start) - 1
        if index < 0 or index in found:
            continue
        sentence = sentences[index]
        if any(word in sentence.text for word in lexicon["future_context"]) or _inside(hit.start, future_ranges):
            continue
        found[index] = {
            "word": hit.phrase,
            "start": sentence.start,
            "end": sentence.end,
            "text": sentence.text,
            "in_results": _inside(hit.start, results_ranges),
        }
    return list(found.values())


def _element_ranges(ctx: CheckContext, ids: frozenset[str]) -> list[tuple[int, int]]:
    elements = ctx.results.get("elements")
    if elements is None:
        return []
    ranges = []
    for report in elements.measurement.get("elements", []):
        if report["id"] in ids:
            ranges += [(s["start"], s["end"]) for s in report["sections"]]
    return ranges


def _inside(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in ranges)


def _plan_findings(ctx: CheckContext, plans: list[dict[str, Any]]) -> list[Finding]:
    completed_only = next((e for e in ctx.campaign.eligibility if e.kind == "completed_only"), None)
    flagged = plans if completed_only else [p for p in plans if p["in_results"]]
    if not flagged:
        return []
    return [
        Finding(
            check="claims",
            code="claims.plan_like",
            severity="warning" if completed_only else "info",
            rule=ctx.cite(completed_only.clause) if completed_only else None,
            message=f"有 {len(flagged)} 处用计划或将来时描述成果（如“{flagged[0]['word']}”）"
            + ("，而本次征集只接受已取得成效的案例。" if completed_only else "，出现在成效部分。"),
            evidence=[Span(start=p["start"], end=p["end"], text=p["text"], label=p["word"]) for p in flagged],
            suggestion="成效部分请写已经实现的结果和数据；尚在计划中的内容请移到“下一步计划”部分。",
        )
    ]
