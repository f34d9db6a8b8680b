"""Required elements (要素): for each element the call asks for, ``covered``, ``weak`` or ``missing``, and where.

Materials come in three shapes, and the matcher reads all of them:

1. headings that follow the notice ("三、成效成果与社会反响");
2. headings in other words ("案例背景", "做法", "不足与展望" — the last covers two elements);
3. no headings at all, only paragraphs.

So there are two kinds of evidence, combined per element:

- **Headings.** A heading covers the elements whose cue words it contains (rulebook ``cues`` plus the heading words
  in ``corpora/lexicons/element_cues.toml``). A heading is split at 与/及/和/、 and in each part the cue that ends
  last wins, because Chinese noun phrases are head-final: "服务成效" is about 成效, while "不足与展望" is about both.
  Subsections inherit their parent's elements unless their own heading names another one.
  Headings come from intake's sections or, for plain text headed by bare lines, from ``outline.py``. A heading with
  only a *supporting* word (案例启示 for 可持续/可借鉴) counts when its text also shows the element.
- **Paragraphs.** Each paragraph is scored per element by the body phrases it contains (whole jieba tokens, through
  spaCy's PhraseMatcher), plus data figures for the element the rulebook marks ``role = "results"``, plus a bonus
  in the opening paragraph for ``role = "opening"``, plus — when an embedder is given in
  ``ctx.services.embedders.elements`` — how much closer the paragraph is to that element's description than to the others.

Heading evidence with a real body is ``covered`` (confidence 0.9); a heading over a near-empty body, or a single
matching paragraph, is ``weak``; no evidence is ``missing``. These rule thresholds were set in-sample on the case
write-ups (bench/results/checks.md, superseded).

**Who decides.** With the static embedding loaded (``screening.embeddings.POLICY``) and ``models/elements/model.json``
present, the learned matcher (``element_model.py``) decides every element a heading does not already cover: a
probability per element; ``missing`` (error) only below a threshold chosen for precision, ``weak`` (warning) when
unsure. Grouped cross-validation (bench/results/elements.md) showed the rule above raising a false ``missing`` error
on about half of the complete drafts written without headings. Without the model or the embedding the rule decides,
and the report's ``degraded`` says so; ``measurement["matcher"]`` names which one decided.

Trade-off: cue words are transparent and fast but miss paraphrase; embeddings catch paraphrase but every paragraph
is "somewhat similar" to every element (e5 cosines sit between 0.84 and 0.98, see deps.md §1). So similarity is
used relative to the other elements of the same call, and only adds to cue evidence.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .. import nlp
from ..campaigns.model import Category, Element
from ..documents.model import Document
from ..embeddings import degraded_note
from ..numbers import find_quantities, is_data
from ..report import Finding, Span
from . import element_model
from .base import CheckContext, CheckResult
from .outline import Part, implicit_outline, section_outline

log = logging.getLogger(__name__)
_SIMILARITY_LOCK = threading.Lock()

MIN_BODY_CHARS = 40  # a heading over less text than this is a heading, not a section
STRONG_PARAGRAPH = 2.0  # a paragraph scoring at least this is real evidence of the element
WEAK_PARAGRAPH = 1.0  # a paragraph scoring at least this is a hint of the element
COVERED_SCORE = 3.0  # strong paragraphs scoring this much together (over enough text) cover the element
COVERED_PARAGRAPH_CHARS = 60
MIN_PARAGRAPH_CHARS = 10  # shorter blocks (list stubs, captions) are not paragraphs to score or encode
ENCODED_CHARS = 500  # a paragraph's first characters the embedder reads (the category head reads the same rows)
OPENING_BONUS = 1.5  # materials open with the overall situation: the first paragraph leans towards the overview
SEMANTIC_WEIGHT = 0.8  # what one standard deviation of relative similarity adds to a paragraph's score
HEADING_CONFIDENCE = 0.9

_CONJUNCTION = re.compile(r"[与及和、暨&/]|以及")
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:\.\d+)*[、.．]?|第[一二三四五六七八九十]+[部分章节、，]*)\s*"
)


@dataclass
class _Evidence:
    sections: list[dict[str, Any]] = field(default_factory=list)
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    heading_body_chars: int = 0

    @property
    def first_offset(self) -> int | None:
        offsets = [s["start"] for s in self.sections] + [p["start"] for p in self.paragraphs]
        return min(offsets) if offsets else None


def run(ctx: CheckContext) -> CheckResult:
    result = CheckResult("elements")
    campaign, material = ctx.campaign, ctx.material
    if not campaign.elements_specified:
        result.measurement = {"specified": False, "note": campaign.elements_note}
        result.findings.append(
            Finding(
                check="elements",
                code="elements.not_specified",
                severity="info",
                rule=ctx.cite(material.clause),
                message=f"本次通知未规定材料须包含的要素，不检查要素。{campaign.elements_note}".strip(),
            )
        )
        return result
    if not material.elements_required:
        result.measurement = {"specified": True, "required": False}
        return result
    embedder = ctx.services.embedders.elements
    if note := degraded_note("elements", embedder):  # only when POLICY chose a model for elements
        result.degraded.append(note)
    category, assumed, matched = _category_to_check(ctx, embedder)
    matcher = "cues"
    if embedder is not None:
        model = element_model.load(ctx.services.element_model_path)
        matcher, note = apply_model(ctx.document, category.elements, embedder, matched, model)
        if note:
            result.degraded.append(note)
    result.measurement = {
        "specified": True,
        "required": True,
        "category": category.name,
        "category_assumed": assumed,
        "semantic": embedder is not None,
        "matcher": matcher,
        **matched,
    }
    result.findings += _findings(ctx, category, matched, assumed)
    return result


def apply_model(
    doc: Document, elements: list[Element], embedder, matched: dict[str, Any], model: element_model.ElementModel | None
) -> tuple[str, str | None]:
    """Let the learned ``model`` (``element_model.py``, None when its file is missing) decide each element's status
    in ``matched``, in place.

    One rule stays from the cue matcher, for materials that follow the notice: when every *other* element has its
    heading, and this one has no heading and no cue paragraph, an unsure model does not soften today's ``missing``
    error into a warning. The drafts of the grouped CV never head every element (the write-ups head three or four),
    so that rule is not measured there; tests/checks/test_element_model.py pins it.

    Returns the matcher that decided (``"model"`` or ``"cues"``) and, when the model could not be used, the report's
    degraded note (also logged). A heading that names the element over a real body still decides ``covered``, as it
    always did; the model's probability is reported beside it. Each element report gains ``probability`` (that it is
    covered), ``decided_by`` (the sentences that weighed most) and ``structured`` (whether the thresholds for a
    notice-headed material were used).
    """
    if model is None:
        return "cues", "未找到要素识别模型（models/elements/model.json），要素识别改用关键词规则。"
    if getattr(embedder, "name", None) != model.embedding or not model.covers(elements):
        log.warning(
            "element model needs %s and roles for %s; using cue words", model.embedding, [e.id for e in elements]
        )
        return (
            "cues",
            f"要素识别模型与当前向量模型或本次通知的要素不匹配（需要 {model.embedding}），要素识别改用关键词规则。",
        )
    decisions = element_model.decide(model, element_model.features(doc, elements, embedder, matched))
    headed = {r["id"] for r in matched["elements"] if r["by_heading"] and r["status"] == "covered"}
    for report in matched["elements"]:
        decision = decisions[report["id"]]
        by_heading = report["id"] in headed
        status = "covered" if by_heading else decision["status"]
        if status == "weak" and report["status"] == "missing" and headed >= {e.id for e in elements} - {report["id"]}:
            status = "missing"  # every other element has its notice heading, this one has neither heading nor cue
        report.update(decision, status=status)
        report["confidence"] = (
            decision["probability"] if report["status"] != "missing" else round(1 - decision["probability"], 3)
        )
    return "model", None


def _same_elements(campaign) -> bool:
    """Whether every category of the call asks for the same elements (then any category's list will do)."""
    return len({tuple(e.id for e in c.elements) for c in campaign.categories}) == 1


def _category_to_check(ctx: CheckContext, embedder) -> tuple[Category, bool, dict[str, Any]]:
    """The declared category, or — when none is declared or known — the one whose elements the material covers best;
    whether it was assumed; and ``match_elements``' result for it.

    The chosen category's match from the trial is returned rather than computed again (``match_elements`` depends only
    on the document, the elements and the embedder): an undeclared 2025 material is matched 4 times, not 5.
    """
    doc = ctx.document
    if ctx.category is not None:
        return ctx.category, False, match_elements(doc, ctx.category.elements, embedder=embedder)
    categories = ctx.campaign.categories
    if _same_elements(ctx.campaign):
        return categories[0], True, match_elements(doc, categories[0].elements, embedder=embedder)
    scored = []
    for index, category in enumerate(categories):
        matched = match_elements(doc, category.elements, embedder=embedder)
        score = sum({"covered": 1.0, "weak": 0.5}.get(e["status"], 0.0) for e in matched["elements"])
        scored.append((-score, index, category, matched))
    _, _, category, matched = min(scored, key=lambda t: t[:2])
    return category, True, matched


# --- matching ---------------------------------------------------------------------------------------------------


def match_elements(doc: Document, elements: list[Element], *, embedder=None) -> dict[str, Any]:
    """Where each element is covered in ``doc``: the ``elements`` list, ``out_of_order`` and ``unmatched_sections``."""
    evidence = {e.id: _Evidence() for e in elements}
    parts = _outline(doc, elements)
    own, assigned = _heading_matches(parts, elements)
    for index, ids in own.items():
        part = parts[index]
        for element_id in ids:
            entry = {"heading": part.heading, "level": part.level, "start": part.start, "end": part.end}
            evidence[element_id].sections.append(entry)
            evidence[element_id].heading_body_chars += len(doc.text[part.body_start : part.end].strip())
    for paragraph in _scored_paragraphs(doc, elements, embedder, parts):
        for element_id, score in paragraph.pop("scores").items():
            if score >= WEAK_PARAGRAPH:
                evidence[element_id].paragraphs.append({**paragraph, "score": round(score, 2)})
    _add_supported_headings(doc, parts, own, elements, evidence)
    reports = [_element_report(e, evidence[e.id]) for e in elements]
    return {
        "structure": "no_headings" if not parts else "headings_match_elements" if own else "headings_other",
        "elements": reports,
        "out_of_order": _out_of_order(reports),
        "unmatched_sections": _unmatched_sections(doc, parts, assigned),
    }


def _outline(doc: Document, elements: list[Element]) -> list[Part]:
    """The material's headed parts: its sections, or — when they name fewer elements — its short bare lines
    (see ``outline.py``): of the two outlines, the one whose headings name more of the call's elements is used."""
    sections = section_outline(doc)
    implicit = implicit_outline(doc)
    cues = _cue_table(elements)
    return max((sections, implicit), key=lambda parts: (_elements_named(parts, cues), parts is sections))


def _elements_named(parts: list[Part], cues: _CueTable) -> int:
    return len({i for part in parts for i in _heading_ids(part.heading, cues)})


def _add_supported_headings(
    doc: Document, parts: list[Part], own: dict[int, list[str]], elements: list[Element], evidence: dict[str, _Evidence]
) -> None:
    """A heading with a supporting word (案例启示 for 可持续/可借鉴) covers the element if its text shows it too."""
    lexicon = nlp.read_toml("element_cues.toml")
    for element in elements:
        words = lexicon.get(element.id, {}).get("supporting_headings", [])
        for index, part in enumerate(parts):
            if element.id in own.get(index, []) or not any(w in part.heading for w in words):
                continue
            inside = [p for p in evidence[element.id].paragraphs if part.body_start <= p["start"] < part.end]
            if inside:
                evidence[element.id].sections.append(
                    {"heading": part.heading, "level": part.level, "start": part.start, "end": part.end}
                )
                evidence[element.id].heading_body_chars += sum(p["end"] - p["start"] for p in inside)


def _element_report(element: Element, ev: _Evidence) -> dict[str, Any]:
    strong = [p for p in ev.paragraphs if p["score"] >= STRONG_PARAGRAPH]
    strong_chars = sum(p["end"] - p["start"] for p in strong)
    if ev.sections and ev.heading_body_chars >= MIN_BODY_CHARS:
        status, confidence = "covered", HEADING_CONFIDENCE + (0.05 if ev.paragraphs else 0.0)
    elif (
        len(strong) >= 2 or sum(p["score"] for p in strong) >= COVERED_SCORE and strong_chars >= COVERED_PARAGRAPH_CHARS
    ):
        status, confidence = "covered", min(0.85, 0.45 + 0.1 * sum(p["score"] for p in strong))
    elif ev.sections or strong or sum(p["score"] for p in ev.paragraphs) >= STRONG_PARAGRAPH:
        status, confidence = "weak", 0.5 if ev.sections or strong else 0.35
    else:
        status, confidence = "missing", 0.8 if not ev.paragraphs else 0.6
    paragraphs = sorted(ev.paragraphs, key=lambda p: -p["score"])[:5]
    return {
        "id": element.id,
        "name": element.name,
        "status": status,
        "confidence": round(confidence, 2),
        "sections": ev.sections,
        "paragraphs": sorted(paragraphs, key=lambda p: p["start"]),
        "first_offset": ev.sections[0]["start"] if ev.sections else ev.first_offset,
        "by_heading": bool(ev.sections),
    }


def _heading_matches(parts: list[Part], elements: list[Element]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Parts whose own heading names elements, and every part's elements (own, else inherited from its parent)."""
    own: dict[int, list[str]] = {}
    assigned: dict[int, list[str]] = {}
    cues = _cue_table(elements)
    for index, part in enumerate(parts):
        ids = list(_heading_ids(part.heading, cues))
        if ids:
            own[index] = assigned[index] = ids
        elif part.parent is not None and part.parent in assigned:
            assigned[index] = assigned[part.parent]
    return own, assigned


def heading_elements(heading: str, elements: list[Element]) -> list[str]:
    """The elements a heading names: per conjunct part, the element whose cue ends last (ties: all of them)."""
    return list(_heading_ids(heading, _cue_table(elements)))


_CueTable = tuple[tuple[str, tuple[str, ...]], ...]  # (element id, its heading cues) in the call's order


def _cue_table(elements: list[Element]) -> _CueTable:
    return tuple((element.id, _heading_cues(element)) for element in elements)


@lru_cache(maxsize=4096)
def _heading_ids(heading: str, cues: _CueTable) -> tuple[str, ...]:
    """``heading_elements`` on a cue table, cached: one screening reads each heading for both outlines it compares,
    for the parts it keeps, for every category it tries and again for the learned model's features."""
    text = _NUMBERING.sub("", heading).strip()
    found: list[str] = []
    for part in filter(None, _CONJUNCTION.split(text)):
        best_end, best_ids = -1, []
        for element_id, element_cues in cues:
            end = max((part.rfind(cue) + len(cue) for cue in element_cues if cue in part), default=-1)
            if end > best_end:
                best_end, best_ids = end, [element_id]
            elif end == best_end and end >= 0:
                best_ids.append(element_id)
        found += [i for i in best_ids if i not in found]
    return tuple(found)


def _heading_cues(element: Element) -> tuple[str, ...]:
    return _heading_cue_words(element.id, tuple(element.cues))


@lru_cache(maxsize=256)
def _heading_cue_words(element_id: str, cues: tuple[str, ...]) -> tuple[str, ...]:
    """The rulebook's cues plus our heading words for the element (cached: every heading of every outline tried asks
    for every element's list, ~600 times a screening)."""
    extra = nlp.read_toml("element_cues.toml").get(element_id, {}).get("headings", [])
    return tuple(c for c in (*cues, *extra) if len(c) >= 2)


def _body_cues(element: Element) -> dict[str, float]:
    """Body phrases and their weights: our specific phrases count 1, the rulebook's (often generic) cues 0.5."""
    cues = {cue: 0.5 for cue in element.cues if len(cue) >= 2}
    cues.update({cue: 1.0 for cue in nlp.read_toml("element_cues.toml").get(element.id, {}).get("body", [])})
    return cues


# --- paragraphs -------------------------------------------------------------------------------------------------


def _scored_paragraphs(doc: Document, elements: list[Element], embedder, parts: list[Part]) -> list[dict]:
    paragraphs = _paragraphs(doc, parts)
    if not paragraphs:
        return []
    cues = {e.id: _body_cues(e) for e in elements}
    hits = nlp.find_phrases(doc.text, {c for table in cues.values() for c in table})
    hit_starts = [h.start for h in hits]
    figures = sorted(q.start for q in find_quantities(doc.text) if is_data(q))
    semantic = _relative_similarity(embedder, doc, paragraphs, elements).tolist() if embedder is not None else None
    opening = _opening_rows(paragraphs, parts)
    for row, paragraph in enumerate(paragraphs):
        lo, hi = bisect_left(hit_starts, paragraph["start"]), bisect_left(hit_starts, paragraph["end"])
        inside = {h.phrase for h in hits[lo:hi]}
        n_figures = bisect_left(figures, paragraph["end"]) - bisect_left(figures, paragraph["start"])
        scores = {}
        for column, element in enumerate(elements):
            table = cues[element.id]
            # the paragraph's few phrases looked up in the element's table, not every cue tested against them;
            # weights are 0.5 or 1, so the sum is exact in any order
            score = sum(table[phrase] for phrase in inside if phrase in table)
            if element.role == "results":
                score += min(2.0, 0.5 * n_figures)  # results are told in figures
            if element.role == "opening" and row in opening:
                score += OPENING_BONUS
            if semantic is not None:
                score += SEMANTIC_WEIGHT * max(0.0, semantic[row][column])
            scores[element.id] = score
        paragraph["scores"] = scores
    return paragraphs


def _opening_rows(paragraphs: list[dict], parts: list[Part]) -> set[int]:
    """The paragraphs that open the material: the text before its first heading, or else its first real paragraph.

    Short lines (a title, a unit's name) are skipped: the overall situation takes a few sentences to state.
    """
    substantive = [row for row, p in enumerate(paragraphs) if p["end"] - p["start"] >= 40]
    if parts:
        return {row for row in substantive if paragraphs[row]["end"] <= parts[0].start}
    return set(substantive[:1])


def _paragraphs(doc: Document, parts: list[Part]) -> list[dict[str, Any]]:
    heading_starts = {p.start for p in parts}
    found = []
    for block in doc.blocks:
        if block.kind == "heading" or block.start in heading_starts or len(block.text.strip()) < MIN_PARAGRAPH_CHARS:
            continue
        part = next((p for p in reversed(parts) if p.body_start <= block.start < p.end), None)
        found.append(
            {
                "start": block.start,
                "end": block.end,
                "heading": part.heading if part else None,
                "text": block.text[:80] + ("…" if len(block.text) > 80 else ""),
            }
        )
    return found


_SIMILARITY_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()
_SIMILARITY_CACHE_SIZE = 16


def _relative_similarity(embedder, doc: Document, paragraphs: list[dict], elements: list[Element]) -> np.ndarray:
    """Per paragraph, how many standard deviations each element's similarity lies above the paragraph's mean.

    Memoised for the last few materials: the rule matcher and the learned model's features both ask for it, and
    encoding the paragraphs twice was the largest part of the model's extra cost (profiled on a 5000字 material).
    """
    key = (
        id(embedder),
        hashlib.sha1(doc.text.encode()).hexdigest(),
        tuple((p["start"], p["end"]) for p in paragraphs),
        tuple((e.id, e.name, e.summary) for e in elements),
    )
    with _SIMILARITY_LOCK:
        if key in _SIMILARITY_CACHE:
            _SIMILARITY_CACHE.move_to_end(key)
            return _SIMILARITY_CACHE[key]
    found = _encode_similarity(embedder, doc, paragraphs, elements)
    with _SIMILARITY_LOCK:
        _SIMILARITY_CACHE[key] = found
        if len(_SIMILARITY_CACHE) > _SIMILARITY_CACHE_SIZE:
            _SIMILARITY_CACHE.popitem(last=False)
    return found


def _encode_similarity(embedder, doc: Document, paragraphs: list[dict], elements: list[Element]) -> np.ndarray:
    texts = [doc.text[p["start"] : p["end"]][:ENCODED_CHARS] for p in paragraphs]
    described = [f"{e.name}：{e.summary}" for e in elements]
    vectors = np.asarray(embedder.encode(texts + described), dtype=float)
    sims = vectors[: len(texts)] @ vectors[len(texts) :].T
    spread = sims.std(axis=1, keepdims=True) + 1e-6
    return (sims - sims.mean(axis=1, keepdims=True)) / spread


# --- structure-level observations -------------------------------------------------------------------------------


def _out_of_order(reports: list[dict[str, Any]]) -> list[str]:
    """Elements (found by heading) that appear before an element the notice puts ahead of them.

    The elements kept in order are a longest increasing subsequence of notice positions; the rest are out of order.
    """
    placed = sorted((r["first_offset"], order, r["id"]) for order, r in enumerate(reports) if r["by_heading"])
    orders = [order for _, order, _ in placed]
    keep = _longest_increasing(orders)
    return [element_id for i, (_, _, element_id) in enumerate(placed) if i not in keep]


def _longest_increasing(values: list[int]) -> set[int]:
    best: list[list[int]] = []  # best[i]: indices of the longest increasing run ending at i
    for i, value in enumerate(values):
        prior = [best[j] for j in range(i) if values[j] < value]
        best.append(max(prior, key=len, default=[]) + [i])
    # among the longest runs keep the one with the earliest notice positions: flag the element that jumped ahead
    return set(min(best, key=lambda run: (-len(run), [values[i] for i in run]), default=[]))


def _unmatched_sections(doc: Document, parts: list[Part], assigned: dict[int, list[str]]) -> list[dict[str, Any]]:
    if not parts:
        return []
    top = min(p.level for p in parts)
    return [
        {"heading": p.heading, "start": p.start, "end": p.end}
        for i, p in enumerate(parts)
        if p.level == top and i not in assigned and len(doc.text[p.body_start : p.end].strip()) >= 30
    ]


# --- findings ---------------------------------------------------------------------------------------------------


def _findings(ctx: CheckContext, category: Category, matched: dict[str, Any], assumed: bool) -> list[Finding]:
    rule = ctx.cite(ctx.material.clause)
    text = ctx.document.text
    by_id = {e.id: e for e in category.elements}
    findings = []
    if assumed:
        findings.append(
            Finding(
                check="elements",
                code="elements.category_assumed",
                severity="info",
                rule=ctx.cite(category.clause),
                # No suggestion: the eligibility check's finding already says how to declare the category (once). Where
                # every category asks for the same elements, no category was chosen: naming one would contradict the
                # category suggestion the faces show beside this finding.
                message="未声明（或无法识别）申报类别，"
                + (
                    "各类别的必备要素相同，按通用要素检查。"
                    if _same_elements(ctx.campaign)
                    else f"按要素覆盖最多的类别“{category.name}”的要素检查。"
                ),
            )
        )
    for report in matched["elements"]:
        element = by_id[report["id"]]
        probability = report.get("probability")
        if report["status"] == "missing":
            odds = "" if probability is None else f"（模型估计写到该要素的概率为 {probability:.0%}）"
            findings.append(
                Finding(
                    check="elements",
                    code="elements.missing",
                    severity="error",
                    rule=rule,
                    message=f"缺少要素“{element.name}”{odds}：通知要求写明{element.summary}",
                    evidence=_evidence(text, report) if probability is not None else [],
                    suggestion=f"请增加“{element.name}”部分（可用该名称作小标题），写明{element.summary}",
                )
            )
        elif report["status"] == "weak" and probability is not None:
            findings.append(
                Finding(
                    check="elements",
                    code="elements.weak",
                    severity="warning",
                    rule=rule,
                    message=f"未能确认材料写明了要素“{element.name}”（模型估计写到的概率为 {probability:.0%}）。",
                    evidence=_evidence(text, report),
                    suggestion=f"如已写到，建议用“{element.name}”作小标题，使评审一眼可见；如未写到，请补充：{element.summary}",
                )
            )
        elif report["status"] == "weak":
            findings.append(
                Finding(
                    check="elements",
                    code="elements.weak",
                    severity="warning",
                    rule=rule,
                    message=f"要素“{element.name}”只有零星或简短的内容。",
                    evidence=_evidence(text, report),
                    suggestion=f"请把“{element.name}”写成独立、充实的一部分：{element.summary}",
                )
            )
    if matched["out_of_order"]:
        names = "、".join(f"“{by_id[i].name}”" for i in matched["out_of_order"])
        findings.append(
            Finding(
                check="elements",
                code="elements.out_of_order",
                severity="info",
                rule=rule,
                message=f"要素{names}的位置与通知规定的顺序不一致。",
                evidence=[s for i in matched["out_of_order"] for s in _evidence(text, _report(matched, i))[:1]],
                suggestion="建议按通知列出的要素顺序组织材料：" + "→".join(e.name for e in category.elements) + "。",
            )
        )
    for section in matched["unmatched_sections"]:
        findings.append(
            Finding(
                check="elements",
                code="elements.unmatched_section",
                severity="info",
                rule=rule,
                message=f"“{section['heading']}”部分不对应通知要求的任何要素。",
                evidence=[
                    Span(
                        start=section["start"],
                        end=section["start"] + len(section["heading"]),
                        text=section["heading"],
                        label="未对应要素的部分",
                    )
                ],
                suggestion="如该部分与案例成效或做法有关，可并入相应要素；否则可考虑删减以节省字数。",
            )
        )
    return findings


def _report(matched: dict[str, Any], element_id: str) -> dict[str, Any]:
    return next(r for r in matched["elements"] if r["id"] == element_id)


def _evidence(text: str, report: dict[str, Any]) -> list[Span]:
    """The headings (the heading line, not the whole section) and up to three best paragraphs."""
    spans = [
        Span(start=s["start"], end=s["start"] + len(s["heading"]), text=s["heading"], label="对应小标题")
        for s in report["sections"]
    ]
    if "decided_by" in report:  # the learned matcher: the sentences that weighed most, not whole paragraphs
        return spans + [
            Span(start=s["start"], end=s["end"], text=text[s["start"] : s["end"]], label="模型依据的句子")
            for s in report["decided_by"]
        ]
    spans += [
        Span(start=p["start"], end=p["end"], text=text[p["start"] : p["end"]], label="相关段落")
        for p in report["paragraphs"][:3]
    ]
    return spans
