"""The learned element matcher: per required element, the probability that the material covers it, read from prose.

The cue-word matcher (``elements.py``) is reliable when a material keeps the notice's headings, and loses its footing
when a complete material is written as prose: bench/results/elements.md measures how often it then raised a false
``elements.missing`` error. This model reads every material the same way, heading or not:

- per paragraph, the element's cue score (``elements._scored_paragraphs``, lexical part only) and its similarity to
  the element's description relative to the other elements (static embedding, ``elements._relative_similarity``);
- per sentence, the element's *discourse markers* (``markers`` in ``corpora/lexicons/element_cues.toml``: 下一步、
  存在的问题、难点、可持续、盈利模式 …), counted over the whole text and over its last third, where write-ups
  argue outlook, problems and plans;
- the cue score and relative similarity of the opening paragraph (of 40 characters or more): materials open with the
  overall situation, and a draft that opens straight on its measures has most likely left the overview out;
- the position of the paragraph that speaks most for the element, the most marked sentences in one paragraph (the
  annotators wanted a passage, not a sentence, for 可持续), whether a heading names the element, and how many of the
  *other* elements headings name (a material that heads its parts by the notice and has no heading for an element
  has most likely left it out; a write-up that heads only 概述/做法/成效 says nothing about the rest).

Then the same evidence per *paragraph* (``PARAGRAPH_FEATURES``: its cue score, relative similarity, marked sentences,
position, whether it opens the material, length) goes into a paragraph model per role, which gives each paragraph
the probability that it belongs to the element. It is learned from the body lines of the drafts' element blocks (a
line under 案例成效 is a results paragraph), so it learns what an overview or results paragraph looks like from a
few thousand paragraphs rather than from 75 documents. Its probabilities are summed up per element (``AGGREGATES``:
best paragraph, top two, sum, opening paragraph, count) and join the document features. Roles the write-ups rarely
give a block of their own (可持续, 问题) have no paragraph model; their summary is zeros. In grouped CV the paragraph
stage raised the share of sections cut from prose drafts that are caught from 77 % to 82 % at the same thresholds
rule; the threshold rule below does the rest (bench/results/elements.md).

These numbers per element go into a logistic regression per element *role* (``ROLES``: 可持续运营 and 可借鉴性
share the role ``outlook``, 下一阶段计划 and 经验启示 share ``forward``), fitted by ``bench/elements.py train`` on the
labelled write-ups and drafts generated from them (bench/drafts.py), on the elements no heading already covers (its
training rows carry paragraph probabilities from paragraph models that did not see their source: stacking). Two
thresholds per role (and a second pair for notice-headed materials, ``is_structured``) are chosen on out-of-fold
probabilities of a grouped cross-validation: below ``t_error`` the model is confident the element is absent
(``missing``, an error: chosen so that ≥ 98 % of the errors it raises there are right; where no threshold reaches
that, the role never raises an error on its own); from ``t_error`` to ``t_covered`` it is unsure (``weak``, a
warning). ``t_covered`` flags a fixed share of the role's out-of-fold absences, the share itself chosen by a
grouped CV inside the training set as the smallest that catches ≥ 90 % of sections cut from drafts with a margin
of one standard error. Nothing in it is tuned on the outer CV's figures except that margin, which
bench/results/elements.md reports beside the plain rule; in grouped CV it kept the target on every fold assignment
tried. The model file holds only numbers and feature names (no text of any write-up); see
``models/elements/CARD.md``.

The material's length is deliberately not a feature: drafts with a section cut out are shorter than complete ones,
and a model that learned "short means incomplete" would fail every 综合材料.

Trade-off: hand-made features and linear models instead of a classifier over embeddings: there are 75 labelled
write-ups, too few to learn 256 embedding weights per element honestly, and every feature can be read in the
report. A paragraph model over the static embedding's 256 dimensions plus these features was tried in the same CV
and caught fewer cut sections (bench/results/elements.md). The matcher needs the static embedding the model was
fitted with; without it (or without the model file) ``elements.py`` runs the cue-word matcher and says so in the
report.
"""

from __future__ import annotations

import json
import logging
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import nlp
from ..campaigns.model import Element
from ..config import SHIPPED_MODEL_DIR
from ..documents.model import Document

log = logging.getLogger(__name__)

# The shipped file, where ``bench/elements.py train`` writes; the service reads ``Services.element_model_path``.
MODEL_PATH = SHIPPED_MODEL_DIR / "elements" / "model.json"
TAIL_FRACTION = 1 / 3  # "the last third": where write-ups put outlook, problems and plans
EVIDENCE_SENTENCES = 3

# Elements of different calls that ask for the same kind of content share a role (and a fitted model).
ROLES = {
    "overview": "overview",
    "practice": "practice",
    "results": "results",
    "sustainability": "outlook",
    "replicability": "outlook",
    "problems": "problems",
    "key-issues": "problems",
    "next-steps": "forward",
    "lessons": "forward",
}

# Read off the whole material, per element.
BASE_FEATURES = (
    "heading",
    "others_headed",
    "cue_max",
    "cue_strong",
    "sim_max",
    "sim_top2",
    "sim_share",
    "markers",
    "markers_tail",
    "markers_peak",
    "opening_cue",
    "opening_sim",
    "best_position",
)
# Read off each paragraph, per element: what the paragraph model (one per role) weighs.
PARAGRAPH_FEATURES = ("cue", "similarity", "markers", "position", "opening", "length")
# The paragraph model's probabilities summed up over the material, per element.
AGGREGATES = ("paragraph_max", "paragraph_top2", "paragraph_sum", "paragraph_opening", "paragraph_count")
FEATURES = BASE_FEATURES + AGGREGATES  # what the per-role document model weighs
PARAGRAPH_LIKELY = 0.5  # a paragraph the paragraph model gives at least this counts towards ``paragraph_count``


STRUCTURED_SHARE = 0.5  # a material whose headings name at least this share of the other elements follows the notice


def is_structured(values: np.ndarray) -> bool:
    """Whether the material heads its parts by the notice's elements (``others_headed`` at least ``STRUCTURED_SHARE``).

    Such a material that has no heading for an element has most likely left it out, and the fitted thresholds for
    it differ (chosen separately, inside the folds): in the grouped CV of bench/results/elements.md, one set of
    thresholds for both kinds turned most sections cut from notice-headed drafts into warnings, not errors.
    """
    return bool(values[FEATURES.index("others_headed")] >= STRUCTURED_SHARE)


@dataclass(frozen=True)
class Linear:
    """A standardised logistic regression: weights over ``(x - mean) / scale``."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((np.atleast_2d(rows) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def probability(self, features: np.ndarray) -> float:
        return float(self.probabilities(features)[0])


@dataclass(frozen=True)
class RoleModel(Linear):
    thresholds: dict[str, float]  # t_error, t_covered, and the same with _structured

    def status(self, p: float, values: np.ndarray) -> str:
        suffix = "_structured" if is_structured(values) else ""
        t_error, t_covered = self.thresholds["t_error" + suffix], self.thresholds["t_covered" + suffix]
        return "covered" if p >= t_covered else "missing" if p < t_error else "weak"


@dataclass(frozen=True)
class ElementModel:
    roles: dict[str, RoleModel]
    embedding: str
    card: dict[str, Any]
    paragraphs: dict[str, Linear] = field(default_factory=dict)  # per role; a role without one sums up zeros

    def covers(self, elements: list[Element]) -> bool:
        return all(ROLES.get(e.id) in self.roles for e in elements)

    def vector(self, item: ElementFeatures) -> np.ndarray:
        """The document model's input: the element's ``BASE_FEATURES`` and its paragraphs' probabilities summed up."""
        paragraph = self.paragraphs.get(ROLES[item.element_id])
        found = paragraph.probabilities(item.paragraphs) if paragraph is not None and len(item.paragraphs) else None
        return np.concatenate([item.values, aggregate(found, item.opening)])


def aggregate(probabilities: np.ndarray | None, opening: int | None) -> np.ndarray:
    """``AGGREGATES`` from one element's paragraph probabilities (zeros when there are none or no paragraph model).

    The best paragraph says whether a passage argues the element; the top two whether more than one sentence does
    (the annotators wanted a passage for 可持续); the sum and count how much of the material does; the opening
    paragraph's probability whether the material opens on it (the overview, when it was not cut).
    """
    if probabilities is None or not len(probabilities):
        return np.zeros(len(AGGREGATES))
    top = np.sort(probabilities)[::-1]
    return np.array(
        [
            top[0],
            top[:2].mean(),
            math.log1p(float(probabilities.sum())),
            float(probabilities[opening]) if opening is not None else 0.0,
            math.log1p(float((probabilities >= PARAGRAPH_LIKELY).sum())),
        ]
    )


def load(path: Path = MODEL_PATH) -> ElementModel | None:
    """The fitted model at ``path`` (the elements check passes ``ctx.services.element_model_path``), or None (logged)
    when the file is missing or unreadable."""
    try:
        return _load(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("element model not usable at %s (%s); elements run on cue words (degraded)", path, exc)
        return None


@lru_cache(maxsize=4)
def _load(path: Path) -> ElementModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    paragraph_features = tuple(data.get("paragraph_features", PARAGRAPH_FEATURES))
    if tuple(data["features"]) != FEATURES or paragraph_features != PARAGRAPH_FEATURES:
        raise ValueError("feature list differs from this code's FEATURES / PARAGRAPH_FEATURES")
    return model_from_dict(data)


def model_from_dict(data: dict[str, Any]) -> ElementModel:
    """A model from the dict ``bench/elements.py`` writes (also used to try a fold's model without a file)."""
    roles = {
        role: RoleModel(**vars(linear(m)), thresholds={k: float(v) for k, v in m.items() if k.startswith("t_")})
        for role, m in data["roles"].items()
    }
    paragraphs = {role: linear(m) for role, m in data.get("paragraphs", {}).items() if m is not None}
    return ElementModel(roles, data["embedding"], data.get("card", {}), paragraphs)


def linear(m: dict[str, Any]) -> Linear:
    """A ``Linear`` from its dict (``coef``, ``intercept``, ``mean``, ``scale``) as the model file stores it."""
    return Linear(
        np.asarray(m["coef"], float), float(m["intercept"]), np.asarray(m["mean"], float), np.asarray(m["scale"], float)
    )


# --- features -----------------------------------------------------------------------------------------------------


@dataclass
class ElementFeatures:
    """One element's ``BASE_FEATURES``, its paragraphs' ``PARAGRAPH_FEATURES`` (one row per paragraph), the row of
    the opening paragraph, and the sentences that speak most for it (offsets into the text)."""

    element_id: str
    values: np.ndarray
    sentences: list[dict[str, Any]]
    paragraphs: np.ndarray = field(default_factory=lambda: np.zeros((0, len(PARAGRAPH_FEATURES))))
    opening: int | None = None


def features(doc: Document, elements: list[Element], embedder, matched: dict[str, Any]) -> list[ElementFeatures]:
    """Per element, the numbers in ``FEATURES`` and its best sentences. ``matched`` is ``match_elements``' result
    (the heading evidence is taken from it); ``embedder`` is the static embedding (None gives zero similarities,
    which only the tests and the bench's ablation use)."""
    from .elements import _outline, _paragraphs, _relative_similarity, _scored_paragraphs

    parts = _outline(doc, elements)
    lexical = _scored_paragraphs(doc, elements, None, parts)
    paragraphs = _paragraphs(doc, parts)
    similarity = (
        _relative_similarity(embedder, doc, paragraphs, elements)
        if embedder is not None and paragraphs
        else np.zeros((len(paragraphs), len(elements)))
    )
    sentences = nlp.sentences(doc.text)
    length = max(1, len(doc.text))
    lexicon = nlp.read_toml("element_cues.toml")
    reports = {r["id"]: r for r in matched["elements"]}
    headed = {r["id"] for r in matched["elements"] if r["by_heading"]}
    found = []
    for column, element in enumerate(elements):
        report = reports[element.id]
        heading = float(bool(report["sections"]) and report["status"] == "covered")
        cue = np.array([p["scores"][element.id] for p in lexical]) if lexical else np.zeros(0)
        sims = similarity[:, column] if len(paragraphs) else np.zeros(0)
        share = float(np.mean(similarity.argmax(axis=1) == column)) if len(paragraphs) else 0.0
        markers = lexicon.get(element.id, {}).get("markers", [])
        marked = [s for s in sentences if any(m in s.text for m in markers)]
        tail = [s for s in marked if s.start >= length * (1 - TAIL_FRACTION)]
        combined = (cue if len(cue) else np.zeros(len(sims))) + np.maximum(sims, 0)
        best = int(np.argmax(combined)) if len(combined) else None
        opening = next((row for row, p in enumerate(paragraphs) if p["end"] - p["start"] >= 40), None)
        counts = _per_paragraph(marked, paragraphs)
        peak = int(counts.max()) if len(counts) else 0
        values = np.array(
            [
                heading,
                len(headed - {element.id}) / max(1, len(elements) - 1),
                min(6.0, float(cue.max())) if len(cue) else 0.0,
                math.log1p(float(cue[cue >= 2.0].sum())) if len(cue) else 0.0,
                float(sims.max()) if len(sims) else 0.0,
                float(np.sort(sims)[-2:].mean()) if len(sims) else 0.0,
                share,
                math.log1p(len(marked)),
                math.log1p(len(tail)),
                math.log1p(peak),
                min(6.0, float(cue[opening])) if opening is not None and len(cue) else 0.0,
                float(sims[opening]) if opening is not None and len(sims) else 0.0,
                paragraphs[best]["start"] / length if best is not None else 0.0,
            ]
        )
        table = np.column_stack(
            [
                cue if len(cue) else np.zeros(len(paragraphs)),
                sims,
                np.log1p(counts),
                [p["start"] / length for p in paragraphs],
                [float(row == opening) for row in range(len(paragraphs))],
                [math.log1p(p["end"] - p["start"]) for p in paragraphs],
            ]
        ).reshape(len(paragraphs), len(PARAGRAPH_FEATURES))
        found.append(
            ElementFeatures(
                element.id, values, _best_sentences(marked, paragraphs, combined, sentences), table, opening
            )
        )
    return found


def _per_paragraph(marked, paragraphs: list[dict[str, Any]]) -> np.ndarray:
    """How many of the ``marked`` sentences start inside each paragraph."""
    starts = [p["start"] for p in paragraphs]
    counts = np.zeros(len(paragraphs))
    for sentence in marked:
        row = bisect_right(starts, sentence.start) - 1
        if row >= 0 and sentence.start < paragraphs[row]["end"]:
            counts[row] += 1
    return counts


def _best_sentences(marked, paragraphs, combined, sentences) -> list[dict[str, Any]]:
    """The sentences that decided: marked sentences inside the best-scoring paragraphs first, then other marked ones,
    then the opening sentence of the best paragraph (so a report always shows where the model looked)."""
    order = list(np.argsort(-combined)[:3]) if len(combined) else []
    chosen: list = []
    for row in order:
        p = paragraphs[row]
        chosen += [s for s in marked if p["start"] <= s.start < p["end"] and s not in chosen]
    chosen += [s for s in marked if s not in chosen]
    if not chosen and order:
        p = paragraphs[order[0]]
        chosen = [s for s in sentences if p["start"] <= s.start < p["end"]][:1]
    return [
        {"start": s.start, "end": s.end, "text": s.text[:120] + ("…" if len(s.text) > 120 else "")}
        for s in sorted(chosen[:EVIDENCE_SENTENCES], key=lambda s: s.start)
    ]


# --- decisions ----------------------------------------------------------------------------------------------------


def decide(model: ElementModel, found: list[ElementFeatures]) -> dict[str, dict[str, Any]]:
    """Per element id: ``probability`` (covered), ``status`` (covered / weak / missing) and ``decided_by``."""
    decisions = {}
    for item in found:
        role = model.roles[ROLES[item.element_id]]
        p = role.probability(model.vector(item))
        decisions[item.element_id] = {
            "probability": round(p, 3),
            "status": role.status(p, item.values),
            "decided_by": item.sentences,
            "structured": is_structured(item.values),
        }
    return decisions
