"""Category suggestion: which of the call's categories a material fits, how sure we are, and the sentences why.

The model is per call *family* (``media-convergence``, ``smart-network-services``, ...), because category ids stay
the same across years while names change (体制机制改革 in 2024 is 创新发展机制 in 2025, same id ``mechanism``);
a 2024 archive record therefore trains the 2025 model, and ``Campaign.category()`` resolves either name.

**The model** (``word-tfidf-logreg``): TF-IDF over the jieba words of the material (words seen in at least two
training texts, sublinear term frequency, L2-normalised) and a multinomial logistic regression. Why (measured in
``bench/results/category.md``, nested grouped CV over the labelled write-ups): top-1 is the same as the calibrated
linear SVM it replaced (both ~0.75 over three fold seeds), but its probabilities rank its own errors lower, so the
mismatch warning is right far more often at the threshold chosen inside the folds (0.976 against 0.911 over three
seeds). Character n-grams, class weights, prior correction, weighting the title or the opening, and training on
paragraphs moved top-1 by at most two write-ups on average, and those that gained lost warning precision. How it
is fitted, evaluated and why it stays free of sentences of the training texts: ``screening.category_training``.

**Plus a head over the static embedding** (``EmbeddingHead``): a second multinomial logistic regression over the
material's document vector, the normalised mean of its paragraph vectors in the static embedding
(``document_vector``; the element check has already encoded the same paragraphs, and the embedder remembers their
rows, so this costs a mean and a 256 x 4 product). The two are combined with equal weights as a geometric mean,
``p ∝ sqrt(p_words · p_head)`` (``combine``). Measured in nested grouped CV over three fold seeds
(bench/results/category.md): top-1 0.754 -> 0.79 with the warning precision still >= 0.95; a mixing weight chosen
inside the folds did worse than equal weights (too few write-ups to choose it), and one joint regression over words
and vector did no better. Without the static
embedding the words alone decide, with their own learned threshold, and the report says so (``degraded_note``).

**Stored as plain arrays, scored with numpy.** The fitted model is ``<family>.npz`` (idf, weights, intercepts) plus
``<family>.json`` (classes, vocabulary, the learned warning threshold, provenance): no pickle, so loading it runs no
code from the file, and the service never imports scikit-learn (~3 s) or joblib. The words come from the material's
shared parse (``screening.nlp.parse``, cached, the one the other checks read), so scoring costs a few dictionary
look-ups and one small matrix product per sentence rather than a second segmentation.

**The mismatch warning threshold is learned, not fixed** (``confident`` in the model file): the lowest probability
of the words alone from which their top suggestion was right in at least ``WARNING_PRECISION`` of out-of-fold cases
on the labelled write-ups. With the head, the warning also needs the combined ranking to put the same category first
(``_confident``). ``CONFIDENT`` is only the fallback for a model fitted without them. Telling a correct applicant their
category looks wrong is the costly mistake, so the threshold is chosen for precision, not coverage.

**Structure of the material.** The declared category comes from the caller or the 申报表's 征集类别 field (the
pipeline resolves both); when neither is given, a ``申报类别：…`` line in the material is read as the declaration
(``declared_in_text``). Declaration lines are blanked before scoring, so the suggestion judges content only and never
echoes what the applicant wrote; the element headings are not used as a feature for the same reason: applicants
write to the template of the category they declare, so headings measure the declaration, not the fit.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import nlp
from .campaigns import Campaign
from .checks.base import CheckContext, CheckResult
from .checks.elements import ENCODED_CHARS, MIN_PARAGRAPH_CHARS  # the same paragraphs: their vectors are shared
from .config import SHIPPED_MODEL_DIR
from .embeddings import degraded_note
from .report import Finding, Span

log = logging.getLogger(__name__)

NAME = "category"
MODEL_DIR = SHIPPED_MODEL_DIR / "category"
FORMAT = "screening.category-model/2"  # bump when the arrays or their meaning change (/2: the embedding head)
LEXICAL_LABEL = "word-tfidf-logreg"
MODEL_LABEL = "word-tfidf-logreg x static-embedding-logreg"  # the words combined with the head over the document vector
CONFIDENT = 0.6  # fallback warning threshold for a model trained without labelled write-ups
WARNING_PRECISION = 0.95  # the mismatch warning's target precision; the learned threshold is chosen for it
EVIDENCE_SENTENCES = 3
MIN_EVIDENCE_CHARS = 8  # shorter "sentences" (headings, list stubs) carry too few words to be evidence
DECLARATION_LINE = re.compile(
    r"^[\s（(]*(?:申报|征集|参评|所属)?类别[\s）)]*[:：]\s*(?P<name>[^\s，。；,;]{2,20})", re.MULTILINE
)


def words(text: str) -> list[str]:
    """The model's features: the jieba words of the shared parse (with the project's domain words, so 融媒体 stays
    one word), whitespace dropped. Training uses this same function, so the vocabulary matches what is scored."""
    return [token.text for token in nlp.parse(text) if not token.is_space]


# --- the model as arrays ------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EmbeddingHead:
    """A multinomial logistic regression over a document vector of the static embedding ``embedding``, as arrays:
    ``weights`` (dim, classes) in the classes' order of the model that holds it, ``intercept`` (classes,)."""

    embedding: str
    weights: np.ndarray
    intercept: np.ndarray

    def proba(self, vector: np.ndarray) -> np.ndarray:
        scores = vector @ self.weights + self.intercept
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()


def combine(words: np.ndarray, head: np.ndarray) -> np.ndarray:
    """The geometric mean of the two models' probabilities, renormalised (equal weights: see the module docstring).
    The plain product ranks the same but is sharper, so fewer suggestions clear a threshold chosen for precision."""
    joint = np.sqrt(np.clip(words, 1e-12, None) * np.clip(head, 1e-12, None))
    return joint / joint.sum(axis=-1, keepdims=True)


def document_vector(embedder, document) -> np.ndarray:
    """The material's vector: the normalised mean of its paragraphs' static-embedding vectors.

    The paragraphs are those the element check encodes (blocks other than headings, at least
    ``MIN_PARAGRAPH_CHARS``, cut at ``ENCODED_CHARS``), so the embedder's row cache already holds them; a
    declaration line is blanked first, so the vector, like the words, judges content only. A document without
    blocks (text in memory) is read line by line."""
    text = document.text
    spans = [(b.start, b.end) for b in document.blocks if b.kind != "heading"]
    if not spans:
        spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    pieces = [_content_only(text[a:b])[:ENCODED_CHARS] for a, b in spans]
    pieces = [t for t in pieces if len(t.strip()) >= MIN_PARAGRAPH_CHARS]
    if not pieces:
        return np.zeros(embedder.dim)
    mean = np.asarray(embedder.encode(pieces), dtype=np.float64).mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


@dataclass(frozen=True, eq=False)
class LexicalModel:
    """A fitted TF-IDF + multinomial logistic regression, as arrays.

    ``weights`` is (vocabulary, classes) and ``intercept`` (classes,); probabilities are the softmax of
    ``tfidf(words) @ weights + intercept``, exactly what scikit-learn computes for the same fit (a test holds this).
    ``confident`` is the learned warning threshold of the words alone (None: use ``CONFIDENT``); ``head``, when the
    model was fitted with the static embedding, is the second model the words are combined with."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray
    confident: float | None = None
    meta: dict = field(default_factory=dict)
    head: EmbeddingHead | None = None

    def ids(self, tokens: list[str]) -> np.ndarray:
        """Vocabulary ids of ``tokens``, -1 for words the model does not know."""
        get = self.vocabulary.get
        return np.fromiter((get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))

    def proba_of_ids(self, rows: list[np.ndarray]) -> np.ndarray:
        """(n, classes) probabilities, one row per array of ids, all rows in one vectorised pass: term counts,
        sublinear tf times idf, L2 norm per row, then the linear scores and their softmax."""
        n, size = len(rows), len(self.idf)
        row = np.repeat(np.arange(n), [len(r) for r in rows])
        col = np.concatenate(rows) if n else np.zeros(0, np.int64)
        known = col >= 0
        keys, counts = np.unique(row[known] * size + col[known], return_counts=True)
        row, col = np.divmod(keys, size)
        values = (1.0 + np.log(counts)) * self.idf[col]
        norms = np.sqrt(np.bincount(row, values * values, minlength=n))
        values /= norms[row]
        scores = np.tile(self.intercept, (n, 1))
        filled, first = np.unique(row, return_index=True)  # row is sorted: sum each row's segment at once
        if len(filled):
            scores[filled] += np.add.reduceat(values[:, None] * self.weights[col], first, axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def proba_of_tokens(self, token_lists: list[list[str]]) -> np.ndarray:
        return self.proba_of_ids([self.ids(tokens) for tokens in token_lists])

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.proba_of_tokens([words(t) for t in texts])

    def save(self, folder: Path, family: str) -> None:
        """Write ``<family>.npz`` (arrays) and ``<family>.json`` (everything else), no pickles."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"idf": self.idf, "weights": self.weights, "intercept": self.intercept}
        if self.head is not None:
            arrays |= {"head_weights": self.head.weights, "head_intercept": self.head.intercept}
        np.savez_compressed(folder / f"{family}.npz", **arrays)
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        header = {
            "format": FORMAT,
            "model": MODEL_LABEL if self.head is not None else LEXICAL_LABEL,
            "classes": list(self.classes),
            "confident": self.confident,
            "head": None if self.head is None else {"embedding": self.head.embedding},
            "meta": self.meta,
            "vocabulary": vocabulary,
        }
        (folder / f"{family}.json").write_text(json.dumps(header, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, family: str) -> LexicalModel:
        """Read what ``save`` wrote; ValueError when the files are of another format."""
        header = json.loads((folder / f"{family}.json").read_text(encoding="utf-8"))
        if header.get("format") != FORMAT:
            raise ValueError(f"{folder / family}.json is {header.get('format')!r}, expected {FORMAT!r}")
        with np.load(folder / f"{family}.npz", allow_pickle=False) as arrays:
            idf, weights, intercept = arrays["idf"], arrays["weights"], arrays["intercept"]
            head = None
            if header.get("head"):
                head = EmbeddingHead(header["head"]["embedding"], arrays["head_weights"], arrays["head_intercept"])
        vocabulary = {word: i for i, word in enumerate(header["vocabulary"])}
        n_classes = len(header["classes"])
        if not (len(vocabulary) == len(idf) == weights.shape[0] and weights.shape[1] == n_classes) or (
            head is not None and head.weights.shape[1] != n_classes
        ):
            raise ValueError(f"{folder / family}.npz does not match its vocabulary and classes")
        return cls(
            tuple(header["classes"]), vocabulary, idf, weights, intercept, header["confident"], header["meta"], head
        )


# --- loading ------------------------------------------------------------------------------------------------------

_lock = threading.Lock()
_models: dict[tuple[str, Path], LexicalModel] = {}


def model_for(campaign: Campaign, model_dir: Path = MODEL_DIR) -> LexicalModel:
    """The family's model from ``model_dir`` (loaded once per process and folder), if it knows every category of
    the call; else one fitted now from our passages and the rulebooks, marked ``fitted_on_first_use`` (the check then
    reports itself degraded). Only that fallback imports scikit-learn."""
    key = (campaign.family, Path(model_dir))
    with _lock:
        if key not in _models:
            _models[key] = _load_or_fit(campaign, Path(model_dir))
        return _models[key]


def _load_or_fit(campaign: Campaign, model_dir: Path) -> LexicalModel:
    wanted = {c.id for c in campaign.categories}
    try:
        model = LexicalModel.load(model_dir, campaign.family)
    except (OSError, ValueError, KeyError) as exc:
        log.warning(
            "no usable category model for family %s in %s (%s); fitting one from our passages",
            campaign.family,
            model_dir,
            exc,
        )
    else:
        if wanted <= set(model.classes):
            return model
        log.warning("category model for %s lacks some categories of %s; refitting", campaign.family, campaign.id)
    from .category_training import fit, training_examples  # scikit-learn: only on this degraded path

    return fit(training_examples(campaign.family), meta={"fitted_on_first_use": True})


def warning_threshold(model: LexicalModel) -> float:
    """The probability of the words alone from which a suggestion contradicting the declared category raises the
    warning (with the head, the combined ranking must also put that category first: ``_confident``)."""
    return CONFIDENT if model.confident is None else model.confident


# --- scoring ------------------------------------------------------------------------------------------------------


def declared_in_text(text: str, campaign: Campaign):
    """The category a ``申报类别：…`` line in the material names (first such line that names one of the call's
    categories), with the line's span; ``(None, None)`` when there is none."""
    for match in DECLARATION_LINE.finditer(text[:3000]):
        cat = campaign.category(match.group("name"))
        if cat is not None:
            return cat, (match.start(), match.end())
    return None, None


def _content_only(text: str) -> str:
    """The text with declaration lines blanked (same length, so offsets stay valid)."""
    return DECLARATION_LINE.sub(lambda m: " " * len(m.group(0)), text)


def suggest(
    text: str,
    campaign: Campaign,
    *,
    declared: str | None = None,
    model_dir: Path = MODEL_DIR,
    vector: np.ndarray | None = None,
) -> list[dict]:
    """The campaign's categories ranked by probability (renormalised over this call's categories), with evidence.

    One parse serves both: the whole material is scored from all its words, and each sentence of at least
    ``MIN_EVIDENCE_CHARS`` from its own, for the evidence. With ``vector`` (``document_vector``) and a model that has
    a head, the whole material's probabilities are the words' combined with the head's; the evidence stays the
    sentences' words, which a reader can check. With ``declared`` (a category id), a category's evidence is the
    sentences that most favour it over the declared one.
    """
    model = model_for(campaign, model_dir)
    text = _content_only(text)
    tokens = [t for t in nlp.parse(text) if not t.is_space]
    starts, ids = [t.idx for t in tokens], model.ids([t.text for t in tokens])
    sentences = [s for s in nlp.sentences(text) if len(s.text) >= MIN_EVIDENCE_CHARS]
    rows = [ids] + [ids[bisect_left(starts, s.start) : bisect_left(starts, s.end)] for s in sentences]
    probs = model.proba_of_ids(rows)
    words_alone = None
    if vector is not None and model.head is not None:
        words_alone = probs[0].copy()
        probs[0] = combine(probs[0], model.head.proba(vector))
    classes = list(model.classes)
    by_id = {c.id: float(probs[0, classes.index(c.id)]) if c.id in classes else 0.0 for c in campaign.categories}
    total = sum(by_id.values()) or 1.0
    sentence_probs = probs[1:] if sentences else None
    ranked = []
    for cat in sorted(campaign.categories, key=lambda c: -by_id[c.id]):
        ranked.append(
            {
                "category": cat.name,
                "id": cat.id,
                "probability": round(by_id[cat.id] / total, 3),
                "evidence": _evidence(cat.id, declared, sentences, sentence_probs, classes),
            }
        )
        if words_alone is not None:
            ranked[-1]["words_probability"] = _share(words_alone, classes, cat.id, campaign)
    return ranked


def _share(probs: np.ndarray, classes: list[str], cat_id: str, campaign: Campaign) -> float:
    """``cat_id``'s probability renormalised over the call's categories."""
    total = sum(float(probs[classes.index(c.id)]) for c in campaign.categories if c.id in classes) or 1.0
    return round(float(probs[classes.index(cat_id)]) / total, 3) if cat_id in classes else 0.0


def _evidence(cat_id: str, declared: str | None, sentences, sentence_probs, classes: list[str]) -> list[dict]:
    if cat_id not in classes or sentence_probs is None:
        return []
    column = sentence_probs[:, classes.index(cat_id)]
    score = (
        column - sentence_probs[:, classes.index(declared)] if declared in classes and declared != cat_id else column
    )
    evidence = []
    for i in np.argsort(-score, kind="stable")[:EVIDENCE_SENTENCES]:
        s = sentences[i]
        evidence.append({"start": s.start, "end": s.end, "text": s.text, "score": round(float(column[i]), 3)})
    return evidence


# --- the check ----------------------------------------------------------------------------------------------------


def _declaration(ctx: CheckContext):
    """(category, where it was declared): the caller's or the form's category, else a 申报类别 line in the text."""
    if ctx.category is not None:
        return ctx.category, "申报类别"
    cat, _span = declared_in_text(ctx.document.text, ctx.campaign)
    return (cat, "材料中填写的类别") if cat is not None else (None, None)


def run(ctx: CheckContext) -> CheckResult:
    """Rank the call's categories for the material; warn when a confident suggestion contradicts the declaration."""
    model_dir = ctx.services.category_model_dir
    model = model_for(ctx.campaign, model_dir)
    result = CheckResult(NAME)
    embedder = ctx.services.embedders.category
    semantic = _usable(model, embedder)
    threshold = warning_threshold(model)
    declared, declared_where = _declaration(ctx)
    fallback = model.meta.get("fitted_on_first_use", False)
    measurement = {
        "model": MODEL_LABEL if semantic else LEXICAL_LABEL,
        "degraded": fallback or (model.head is not None and not semantic),
        "warning_threshold": threshold,
        "threshold": "fixed" if model.confident is None else "learned",
        "declared": declared.name if declared else None,
        "declared_in": declared_where,
    }
    if fallback:
        result.degraded.append(
            "类别建议模型文件缺失，已临时用自编训练文本拟合（未含已标注案例），类别建议准确性较低，"
            "类别不符提示使用固定阈值。请运行 screening train 重新生成模型。"
        )
    if model.head is not None and not semantic:
        if model.head.embedding not in _warned:  # once per process: every report says it anyway
            _warned.add(model.head.embedding)
            log.warning("category suggestion without its embedding head (%s): words only", model.head.embedding)
        result.degraded.append(_head_note(model, embedder))
    text = ctx.document.text
    if not text.strip():
        result.measurement = {"ranked": [], **measurement}
        return result
    vector = document_vector(embedder, ctx.document) if semantic else None
    ranked = suggest(text, ctx.campaign, declared=declared.id if declared else None, model_dir=model_dir, vector=vector)
    result.measurement = {"ranked": ranked, **measurement}
    top = ranked[0]
    if declared is not None and top["id"] != declared.id and _confident(top, ranked, threshold):
        result.findings.append(_mismatch(ctx, declared, declared_where, top, ranked))
    return result


def _confident(top: dict, ranked: list[dict], threshold: float) -> bool:
    """Whether the top suggestion is sure enough to contradict a declaration: the words alone give it at least
    ``threshold`` and rank it first too (with the head, ``ranked`` is ordered by the combined probabilities).

    Why the words' probability and not the combined one: the combined probabilities are sharper, and a threshold
    chosen for precision on them let fewer suggestions through (55 against 81 over three fold seeds) at no better
    precision (0.96 against 0.975); the combined ranking adds the better top-1 (bench/results/category.md)."""
    words = [r.get("words_probability", r["probability"]) for r in ranked]
    own = top.get("words_probability", top["probability"])
    return own >= threshold and own >= max(words)


_warned: set[str] = set()


def _usable(model: LexicalModel, embedder) -> bool:
    """Whether the model's head can run: it has one, and the embedder it was fitted on is loaded."""
    return model.head is not None and embedder is not None and embedder.name == model.head.embedding


def _head_note(model: LexicalModel, embedder) -> str:
    """The report's note when the head cannot run: the chosen model is missing (``degraded_note``), or another
    embedding is loaded than the one the head was fitted on."""
    if embedder is None:
        return degraded_note("category", None) or (
            f"未加载语义向量模型（{model.head.embedding}），类别建议仅依据字词特征，结果可能不够准确。"
        )
    return f"类别建议模型需要语义向量模型 {model.head.embedding}，当前为 {embedder.name}，类别建议仅依据字词特征。"


def _mismatch(ctx: CheckContext, declared, declared_where: str, top: dict, ranked: list[dict]) -> Finding:
    declared_p = next(r["probability"] for r in ranked if r["id"] == declared.id)
    return Finding(
        check=NAME,
        code="category.mismatch",
        severity="warning",
        message=(
            f"{declared_where}为“{declared.name}”，但材料内容更符合“{top['category']}”"
            f"（可能性 {top['probability']:.0%}，申报类别 {declared_p:.0%}）。"
        ),
        evidence=[
            Span(start=e["start"], end=e["end"], text=e["text"], label=f"支持“{top['category']}”的句子")
            for e in top["evidence"]
        ],
        rule=ctx.cite(declared.clause),
        suggestion=f"请核对类别：如案例重点在{top['category']}方面，建议改报该类别；否则请在材料中突出"
        f"{declared.name}方面的做法与成效。",
    )
