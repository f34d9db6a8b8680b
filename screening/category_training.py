"""Fitting, measuring and shipping the category model (``screening train``, ``bench/category.py``).

This is the only place the category model meets scikit-learn; the service scores the arrays it writes
(``screening.category.LexicalModel``) with numpy alone.

**Data.** Our own passages (``corpora/training/<family>/``), each rulebook's category description and cues, labelled
archive records, and labelled case write-ups (``screening train --cases DIR``, a folder with ``labels.csv``). From
the write-ups the shipped model keeps only numbers and a word vocabulary (``vocabulary_`` and ``idf_`` of the fitted
vectorizer; the pruned words, ``stop_words_``, are never written): no sentence of theirs, no nearest-neighbour memory.

**Model.** TF-IDF over ``screening.category.words`` (words in at least two training texts, sublinear tf) and a
multinomial logistic regression (C=10); where labelled write-ups can measure it, a second regression over the static
embedding's document vector (``fit_head``, C chosen by grouped CV from ``HEAD_C``), combined with the words in
``screening.category.combine``. The write-ups the annotators disagreed on are trained on as soft targets (one
example per vote, weight 0.5; ``disputed_examples``) and never measured on. The words' regression, measured against
the calibrated linear SVM it replaced in nested grouped CV over three fold seeds: same top-1, far fewer confident
errors. Probabilities come
straight from the softmax, so there is no calibration split to lose scarce examples of the small classes to.

**The warning threshold** is chosen on out-of-fold probabilities for the labelled write-ups, grouped by source unit
(``choose_threshold``); ``grouped_evaluation`` nests that choice inside each outer fold, so the figures it reports
never use a threshold chosen on the texts they are measured on.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

from .campaigns import Campaign, all_campaigns
from .category import (
    CONFIDENT,
    LEXICAL_LABEL,
    MODEL_DIR,
    MODEL_LABEL,
    WARNING_PRECISION,
    EmbeddingHead,
    LexicalModel,
    combine,
    document_vector,
    words,
)
from .config import CORPORA_DIR

CV_FOLDS = 5
C = 10.0  # grouped-CV top-1 over fold seeds 0-2: C=3 0.723, C=10 0.754, C=30 0.743 (scratch runs, 2026-12-06)
# The head's regularisation, chosen by grouped CV among these (inside the folds in the bench): single values gave
# 0.779 / 0.785 / 0.779 top-1 combined (C=100 / 300 / 1000), C<=30 and C>=3000 less (bench/results/category.md).
HEAD_C = (100.0, 300.0, 1000.0)


@dataclass(frozen=True)
class Example:
    text: str
    category: str  # category id
    source: str  # "corpus" | "rulebook" | "archive" | "cases" (bench: "draft:<variant>")
    group: str = ""  # cross-validation group (the source case's unit) for labelled write-ups
    weight: float = 1.0  # sample weight: 0.5 for each vote on a write-up the annotators disagreed on


# --- training data ------------------------------------------------------------------------------------------------


def family_campaigns(family: str) -> list[Campaign]:
    return [c for c in all_campaigns() if c.family == family]


def corpus_examples(family: str, *, corpora_dir: Path | None = None) -> list[Example]:
    folder = (corpora_dir or CORPORA_DIR) / "training" / family
    examples = []
    for path in sorted(folder.glob("*.txt")):
        for passage in path.read_text(encoding="utf-8").split("\n\n"):
            if passage.strip():
                examples.append(Example(passage.strip(), path.stem, "corpus"))
    return examples


def rulebook_examples(family: str) -> list[Example]:
    """Each category's description, and its cues as one line, from every rulebook of the family."""
    examples = []
    for campaign in family_campaigns(family):
        for cat in campaign.categories:
            examples.append(Example(f"{cat.name}：{cat.description}", cat.id, "rulebook"))
            if cat.cues:
                examples.append(Example("、".join(cat.cues), cat.id, "rulebook"))
    return examples


def archive_examples(family: str, archive) -> list[Example]:
    """Labelled archive records (category and text) of a call in this family, mapped to category ids."""
    from .duplicates.rules import same_series

    campaigns = family_campaigns(family)
    examples = []
    for record in archive.labelled():
        for campaign in campaigns:
            cat = campaign.category(record.category) if same_series(record, campaign) else None
            if cat:
                examples.append(Example(record.text, cat.id, "archive"))
                break
    return examples


def case_examples(family: str, cases_dir: Path | None) -> list[Example]:
    """Labelled write-ups from a folder with ``labels.csv`` (``file``, ``category``; empty where annotators
    disagreed) and, optionally, ``index.csv`` (``file``, ``title``): one example per agreed row whose category is a
    category of this family. The group is the unit named before the title's colon, so write-ups of one unit (which
    share its boilerplate) fall in the same cross-validation fold. Lines starting with ``#`` (source metadata) are
    dropped. Nothing of these texts is stored except what the fitted model learns (weights, vocabulary)."""
    examples = []
    for row, path, group in _case_rows(cases_dir):
        cat = _family_category(family, row.get("category") or "")
        if cat is not None:
            examples.append(Example(_case_body(path), cat.id, "cases", group=group))
    return examples


def disputed_examples(family: str, cases_dir: Path | None) -> list[Example]:
    """The write-ups the annotators disagreed on (``category`` empty, both votes in ``category_A``/``category_B``),
    as soft targets: one example per vote, weight 0.5, source ``"soft"``, grouped like ``case_examples``. They are
    trained on, never measured on (no single truth). Measured: +0.01 top-1 on the mean over three fold seeds."""
    examples = []
    for row, path, group in _case_rows(cases_dir):
        if row.get("category"):
            continue
        cats = [_family_category(family, row.get(vote) or "") for vote in ("category_A", "category_B")]
        if None not in cats:
            examples += [Example(_case_body(path), cat.id, "soft", group=group, weight=0.5) for cat in cats]
    return examples


def _case_rows(cases_dir: Path | None):
    """(row, file, group) for each row of ``labels.csv`` whose file exists; nothing without the folder."""
    if cases_dir is None or not (cases_dir / "labels.csv").is_file():
        return
    titles = case_titles(cases_dir)
    for row in _read_csv(cases_dir / "labels.csv"):
        path = cases_dir / row["file"]
        if path.is_file():
            yield row, path, unit_of(titles.get(row["file"], ""), row["file"])


def _family_category(family: str, name: str):
    """The category of any of the family's calls that ``name`` names (or is an alias of), else None."""
    return next((c for camp in family_campaigns(family) if (c := camp.category(name)) is not None), None)


def _case_body(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.strip() and not line.startswith("#"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def case_titles(cases_dir: Path) -> dict[str, str]:
    index = cases_dir / "index.csv"
    return {r["file"]: r.get("title", "") for r in _read_csv(index)} if index.is_file() else {}


def unit_of(title: str, fallback: str) -> str:
    """人民日报：AI编辑部 → 人民日报 (first four characters, so 人民日报社 and 人民日报 are one unit)."""
    head, colon, _ = title.partition("：")
    return head.strip()[:4] if colon and head.strip() else fallback


def training_examples(family: str, *, archive=None, cases_dir: Path | None = None) -> list[Example]:
    examples = corpus_examples(family) + rulebook_examples(family)
    if archive is not None:
        examples += archive_examples(family, archive)
    return examples + case_examples(family, cases_dir) + disputed_examples(family, cases_dir)


# --- fitting ------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """``words`` memoised: cross-validation refits on the same texts many times, and parsing is the slow part."""
    return tuple(words(text))


def _identity(tokens):
    return tokens


def sklearn_pipeline() -> Pipeline:
    """The scikit-learn form of the model; it takes token tuples (``_words``), not texts."""
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
    return make_pipeline(vectorizer, LogisticRegression(C=C, max_iter=5000))


def fit(
    examples: list[Example],
    *,
    confident: float | None = None,
    meta: dict | None = None,
    embedder=None,
    head_c: float = HEAD_C[0],
) -> LexicalModel:
    """Fit on ``examples`` (with their weights) and return the model as the service stores and scores it; with
    ``embedder`` (the static embedding) also the head over the document vectors, regularised by ``head_c``."""
    weights = np.array([e.weight for e in examples])
    pipeline = sklearn_pipeline().fit(
        [_words(e.text) for e in examples], [e.category for e in examples], logisticregression__sample_weight=weights
    )
    model = to_arrays(pipeline, confident=confident, meta=meta)
    if embedder is None:
        return model
    head, classes = fit_head(examples, embedder, c=head_c)
    if classes != model.classes:  # both regressions sort the same labels; a mismatch would misread the columns
        raise ValueError("the head and the words were fitted on different classes")
    return dataclasses.replace(model, head=head)


def fit_head(examples: list[Example], embedder, *, c: float) -> tuple[EmbeddingHead, tuple[str, ...]]:
    """The logistic regression over the examples' document vectors (``category.document_vector``), and its
    classes in column order."""
    regression = LogisticRegression(C=c, max_iter=5000).fit(
        vectors(embedder, [e.text for e in examples]),
        [e.category for e in examples],
        sample_weight=np.array([e.weight for e in examples]),
    )
    weights, intercept = _rows(regression)
    head = EmbeddingHead(embedder.name, np.ascontiguousarray(weights.T), intercept)
    return head, tuple(str(c) for c in regression.classes_)


def vectors(embedder, texts: list[str]) -> np.ndarray:
    """Document vectors of ``texts`` read as the service reads a text material (``from_text``), memoised."""
    return np.array([_vector(embedder, t) for t in texts])


_VECTORS: dict[int, tuple[object, dict[str, np.ndarray]]] = {}  # per embedder object (kept alive here): text -> vector


def _vector(embedder, text: str) -> np.ndarray:
    cache = _VECTORS.setdefault(id(embedder), (embedder, {}))[1]
    if text not in cache:
        from .documents.intake import from_text

        cache[text] = document_vector(embedder, from_text(text))
    return cache[text]


def _rows(regression: LogisticRegression) -> tuple[np.ndarray, np.ndarray]:
    """(classes, features) weights and intercepts. A two-class regression has one weight row w; it is stored as
    the rows (-w/2, w/2), whose softmax is the same sigmoid, so scoring has one form."""
    weights, intercept = regression.coef_, regression.intercept_
    if weights.shape[0] == 1:
        weights, intercept = np.vstack([-weights / 2, weights / 2]), np.hstack([-intercept / 2, intercept / 2])
    return weights.astype(np.float64), intercept.astype(np.float64)


def to_arrays(pipeline: Pipeline, *, confident: float | None = None, meta: dict | None = None) -> LexicalModel:
    """The fitted pipeline as a ``LexicalModel`` (without a head)."""
    vectorizer, regression = pipeline.steps[0][1], pipeline.steps[-1][1]
    weights, intercept = _rows(regression)
    vocabulary = {word: int(i) for word, i in vectorizer.vocabulary_.items()}
    return LexicalModel(
        tuple(str(c) for c in regression.classes_),
        vocabulary,
        vectorizer.idf_.astype(np.float64),
        np.ascontiguousarray(weights.T),
        intercept,
        confident,
        meta or {},
    )


def predict(model: LexicalModel, texts: list[str], embedder=None) -> np.ndarray:
    """Probabilities of the words alone, or (``embedder`` given and the model has a head) of the combined model."""
    probs = model.proba_of_tokens([list(_words(t)) for t in texts])
    if embedder is None or model.head is None:
        return probs
    return np.array([combine(p, model.head.proba(v)) for p, v in zip(probs, vectors(embedder, texts))])


# --- choosing the warning threshold and measuring, by grouped cross-validation ------------------------------------


def choose_threshold(
    confidence: np.ndarray, correct: np.ndarray, *, target: float = WARNING_PRECISION, min_support: int = 5
) -> float:
    """The lowest probability t such that, for t and every higher grid value with at least ``min_support``
    suggestions, the top suggestion is right in ≥ ``target`` of the suggestions at or above it, snapped up to the
    lowest confidence actually seen in that set (no margin is given away below the data). Returns 1.01 (never warn)
    when no such t exists. Requiring every higher value keeps one lucky cut from setting it."""
    best = 1.01
    for t in np.round(np.arange(0.99, 0.24, -0.01), 2):
        chosen = confidence >= t
        if chosen.sum() < min_support:
            continue
        if correct[chosen].mean() < target:
            break
        best = round(float(confidence[chosen].min()), 3)
    return best


def _splitter(labels: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> StratifiedGroupKFold:
    """Grouped, stratified folds; fewer than ``folds`` when there are fewer groups, or fewer members in even the
    largest class, than folds (scikit-learn refuses that)."""
    largest = max(np.unique(labels, return_counts=True)[1])
    n_splits = max(2, min(folds, len(set(groups)), largest))
    return StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)


def _folds(labelled: list[Example], folds: int, seed: int):
    labels = np.array([e.category for e in labelled])
    groups = np.array([e.group or str(i) for i, e in enumerate(labelled)])
    return labels, groups, _splitter(labels, groups, folds, seed).split(np.zeros(len(labelled)), labels, groups)


def _out_of_fold(
    train_base: list[Example], labelled: list[Example], *, folds: int, seed: int, soft=(), embedder=None
) -> dict:
    """Out-of-fold probabilities for each labelled example from models that never saw its group (the base examples
    are always in training; a soft example only when its group is not held out). ``"words"``: the words alone;
    with ``embedder`` also ``"heads"``: the combined model for each ``HEAD_C``. Returns those and ``"classes"``."""
    classes = sorted({e.category for e in train_base + labelled})
    words_p = np.zeros((len(labelled), len(classes)))
    heads = {c: np.zeros_like(words_p) for c in HEAD_C} if embedder is not None else {}
    labels, groups, splits = _folds(labelled, folds, seed)
    for train_idx, test_idx in splits:
        held = set(groups[test_idx])
        training = train_base + [labelled[i] for i in train_idx] + [e for e in soft if e.group not in held]
        texts = [labelled[i].text for i in test_idx]
        model = fit(training)
        _fill(words_p, test_idx, classes, model.classes, predict(model, texts))
        for c in heads:
            head, head_order = fit_head(training, embedder, c=c)
            own = np.array([head.proba(v) for v in vectors(embedder, texts)])
            _fill(heads[c], test_idx, classes, head_order, own)
    heads = {c: combine(words_p, p) for c, p in heads.items()}
    return {"classes": classes, "words": words_p, "heads": heads}


def choose_head_c(heads: dict[float, np.ndarray], truth: np.ndarray, classes: list[str]) -> float:
    """The head's C whose combined out-of-fold probabilities are right most often (then: lowest log-loss)."""
    rows, columns = np.arange(len(truth)), [classes.index(t) for t in truth]

    def quality(c: float) -> tuple[float, float]:
        p = heads[c]
        return float((np.array(classes)[p.argmax(1)] == truth).mean()), float(np.log(p[rows, columns]).mean())

    return max(heads, key=quality)


def _threshold_of(probs: np.ndarray, truth: np.ndarray, classes: list[str]) -> float:
    return choose_threshold(probs.max(1), np.array(classes)[probs.argmax(1)] == truth)


def grouped_evaluation(
    base: list[Example],
    labelled: list[Example],
    *,
    folds: int = CV_FOLDS,
    inner_folds: int = 3,
    seed: int = 0,
    extra: list[Example] = (),
    soft: list[Example] = (),
    embedder=None,
) -> dict:
    """Nested grouped cross-validation on the labelled write-ups (groups: source unit).

    Outer folds measure top-1; inside each outer fold, an inner grouped CV over that fold's training write-ups picks
    the warning threshold and (with ``embedder``) the head's C, which are then applied to the outer test fold — no
    choice ever sees the texts it is judged on. ``soft`` examples (``disputed_examples``) are trained on when their
    group is not held out, never scored. ``extra`` examples (e.g. drafts generated from the write-ups, with the
    source's group) are scored by the model of the fold that holds their group out, and reported under ``"extra"``.
    With ``embedder`` the figures are the combined model's and ``"words"`` holds those of the words alone (the
    service without the embedding). Baselines: the majority class of each training fold and the TF-IDF zero-shot
    (nearest rulebook description).
    """
    labels, groups, splits = _folds(labelled, folds, seed)
    classes = sorted({e.category for e in base + labelled})
    kinds = ("combined", "words") if embedder is not None else ("words",)
    probs = {k: np.zeros((len(labelled), len(classes))) for k in kinds}
    extra_probs = {k: np.zeros((len(extra), len(classes))) for k in kinds}
    thresholds = {k: np.zeros(len(labelled)) for k in kinds}
    extra_thresholds = {k: np.full(len(extra), 1.01) for k in kinds}
    majority, extra_majority = np.empty(len(labelled), dtype=object), np.empty(len(extra), dtype=object)
    chosen_c = []
    for train_idx, test_idx in splits:
        training = [labelled[i] for i in train_idx]
        held_groups = set(groups[test_idx])
        kept_soft = [e for e in soft if e.group not in held_groups]
        extra_idx = [i for i, e in enumerate(extra) if e.group in held_groups]
        inner = _out_of_fold(base, training, folds=inner_folds, seed=seed + 1, soft=kept_soft, embedder=embedder)
        truth = labels[train_idx]
        head_c = HEAD_C[0]
        if embedder is not None:
            head_c = choose_head_c(inner["heads"], truth, inner["classes"])
            chosen_c.append(head_c)
        model = fit(base + training + kept_soft, embedder=embedder, head_c=head_c)
        test_texts, extra_texts = [labelled[i].text for i in test_idx], [extra[i].text for i in extra_idx]
        for kind in kinds:
            used = embedder if kind == "combined" else None
            _fill(probs[kind], test_idx, classes, model.classes, _predict_some(model, test_texts, used))
            _fill(extra_probs[kind], extra_idx, classes, model.classes, _predict_some(model, extra_texts, used))
            cut = _threshold_of(inner["words"], truth, inner["classes"])  # the warning reads the words
            thresholds[kind][test_idx] = extra_thresholds[kind][extra_idx] = cut
        values, counts = np.unique(labels[train_idx], return_counts=True)
        majority[test_idx] = extra_majority[extra_idx] = values[counts.argmax()]
    zero = zero_shot(base, [e.text for e in labelled])
    extra_zero = zero_shot(base, [e.text for e in extra]) if extra else []
    results = {}
    for kind in kinds:
        sure = _sure(probs, thresholds[kind], kind)
        results[kind] = _scores(labels, probs[kind], classes, sure, thresholds[kind], majority, zero)
        if extra:
            extra_labels = np.array([e.category for e in extra])
            extra_sure = _sure(extra_probs, extra_thresholds[kind], kind)
            results[kind]["extra"] = _scores(
                extra_labels, extra_probs[kind], classes, extra_sure, extra_thresholds[kind], extra_majority, extra_zero
            )
    scores = results[kinds[0]]
    if embedder is not None:
        scores["words"], scores["head_c"] = results["words"], chosen_c
    return scores


def _sure(probs: dict[str, np.ndarray], thresholds: np.ndarray, kind: str) -> np.ndarray:
    if kind == "combined":
        return warned(probs["words"], probs["combined"], thresholds)
    return probs[kind].max(1) >= thresholds


def _predict_some(model: LexicalModel, texts: list[str], embedder) -> np.ndarray:
    return predict(model, texts, embedder) if texts else np.zeros((0, len(model.classes)))


def _fill(probs: np.ndarray, rows, classes: list[str], order, found: np.ndarray) -> None:
    """Write ``found`` (columns in ``order``) into ``probs`` at ``rows`` (columns in ``classes``)."""
    if len(rows):
        for j, c in enumerate(order):
            probs[rows, classes.index(c)] = found[:, j]


def _scores(labels, probs, classes, confident, thresholds, majority, zero) -> dict:
    predicted = np.array(classes)[probs.argmax(1)]
    confidence = probs.max(1)
    top2 = [labels[i] in np.array(classes)[np.argsort(-probs[i])[:2]] for i in range(len(labels))]
    n = len(labels)
    return {
        "n": n,
        "classes": classes,
        "top1": float((predicted == labels).mean()),
        "top2": float(np.mean(top2)),
        "majority_top1": float((majority == labels).mean()),
        "zero_shot_top1": float((np.array(zero) == labels).mean()),
        "confident": int(confident.sum()),
        "confident_correct": int((predicted[confident] == labels[confident]).sum()),
        "thresholds": sorted({round(float(t), 2) for t in thresholds}),
        "confusion": confusion_matrix(labels, predicted, labels=classes).tolist(),
        "predicted": predicted.tolist(),
        "confidence": confidence.tolist(),
        "labels": labels.tolist(),
        "row_thresholds": [float(t) for t in thresholds],
        "warned": [bool(c) for c in confident],
    }


def zero_shot(base: list[Example], texts: list[str]) -> list[str]:
    """Baseline: the category whose rulebook description and cues are nearest (character TF-IDF cosine)."""
    rulebook = [e for e in base if e.source == "rulebook"]
    classes = sorted({e.category for e in rulebook})
    joined = ["\n".join(e.text for e in rulebook if e.category == c) for c in classes]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit(joined + texts)
    similarity = (vectorizer.transform(texts) @ vectorizer.transform(joined).T).toarray()
    return [classes[i] for i in similarity.argmax(1)]


def evaluate(examples: list[Example], *, seed: int = 0) -> dict:
    """Numbers on our own passages: 5-fold cross-validated accuracy and confusion, plus one stratified 25% held-out
    split. Optimistic (the passages are written to be clear); the write-up figures come from ``grouped_evaluation``."""
    labels = np.array([e.category for e in examples])
    classes = sorted({e.category for e in examples})  # plain str, for the card
    folds = StratifiedKFold(
        n_splits=min(5, min(int((labels == c).sum()) for c in classes)), shuffle=True, random_state=seed
    )
    predicted = np.empty(len(examples), dtype=object)
    for train_idx, test_idx in folds.split(np.zeros(len(examples)), labels):
        predicted[test_idx] = _predicted(fit([examples[i] for i in train_idx]), [examples[i].text for i in test_idx])
    train, test = train_test_split(examples, test_size=0.25, stratify=labels, random_state=seed)
    held_out = _predicted(fit(train), [e.text for e in test])
    return {
        "classes": classes,
        "examples": len(examples),
        "per_class": {c: int((labels == c).sum()) for c in classes},
        "cv_folds": folds.n_splits,
        "cv_accuracy": round(float(accuracy_score(labels, predicted.astype(str))), 3),
        "cv_confusion": confusion_matrix(labels, predicted.astype(str), labels=classes).tolist(),
        "held_out_size": len(test),
        "held_out_accuracy": round(float(accuracy_score([e.category for e in test], held_out)), 3),
    }


def _predicted(model: LexicalModel, texts: list[str]) -> list[str]:
    return [model.classes[i] for i in predict(model, texts).argmax(1)]


# --- training and shipping ----------------------------------------------------------------------------------------


def fit_family(
    family: str, *, archive=None, cases_dir: Path | None = None, seed: int = 0, embedder=None
) -> tuple[LexicalModel, dict]:
    """Fit one family's model on everything available and learn its warning thresholds.

    With labelled write-ups, the thresholds (words alone, and combined with the head) and the head's C are chosen on
    grouped out-of-fold probabilities (each write-up scored by models that never saw its unit); the card shows those
    figures, which are in-sample for those choices — the honest nested figures are ``bench/category.py``'s. The head
    is fitted only with ``embedder`` and labelled write-ups (without them nothing measures it); without write-ups
    the threshold is ``None``.
    """
    examples = training_examples(family, archive=archive, cases_dir=cases_dir)
    base = [e for e in examples if e.source not in ("cases", "soft")]
    labelled = [e for e in examples if e.source == "cases"]
    soft = [e for e in examples if e.source == "soft"]
    sources = {s: sum(e.source == s for e in examples) for s in ("corpus", "rulebook", "archive", "cases", "soft")}
    card = {"family": family, "model": LEXICAL_LABEL, "sources": sources, **evaluate(base, seed=seed)}
    confident = None
    head_c = HEAD_C[0]
    if len(labelled) >= 2 * CV_FOLDS:
        oof = _out_of_fold(base, labelled, folds=CV_FOLDS, seed=seed, soft=soft, embedder=embedder)
        truth, classes = np.array([e.category for e in labelled]), oof["classes"]
        confident = _threshold_of(oof["words"], truth, classes)
        card["cases_cv"] = _in_sample(oof["words"], truth, classes, oof["words"].max(1) >= confident)
        if embedder is not None:
            head_c = choose_head_c(oof["heads"], truth, classes)
            sure = warned(oof["words"], oof["heads"][head_c], confident)
            card["cases_cv_combined"] = _in_sample(oof["heads"][head_c], truth, classes, sure)
            card |= {"model": MODEL_LABEL, "head_c": head_c}
    card["confident"] = confident
    meta = {"sources": sources, "trained": dt.date.today().isoformat(), "sklearn": sklearn.__version__}
    with_head = embedder if embedder is not None and "cases_cv_combined" in card else None
    model = fit(examples, confident=confident, meta=meta, embedder=with_head, head_c=head_c)
    return model, card


def warned(words: np.ndarray, combined: np.ndarray, thresholds) -> np.ndarray:
    """Which suggestions would raise the mismatch warning with the head (``screening.category._confident``): the
    words alone reach their threshold and rank first the category the combined model ranks first."""
    return (words.max(1) >= thresholds) & (words.argmax(1) == combined.argmax(1))


def _in_sample(probs: np.ndarray, truth: np.ndarray, classes: list[str], chosen: np.ndarray) -> dict:
    predicted = np.array(classes)[probs.argmax(1)]
    return {
        "n": len(truth),
        "top1": float((predicted == truth).mean()),
        "majority_top1": float((truth == max(set(truth), key=list(truth).count)).mean()),
        "confident": int(chosen.sum()),
        "confident_correct": int((predicted == truth)[chosen].sum()),
    }


def train(
    *,
    archive=None,
    cases_dir: Path | None = None,
    out_dir: Path = MODEL_DIR,
    command: str | None = None,
    embedder=None,
) -> list[dict]:
    """Refit every family's model, write ``<family>.npz`` + ``<family>.json`` and the card; return the cards.

    ``embedder`` is the static embedding (``screening.embeddings.embedder_for("category", ...)``); without it the
    models have no head and the card says so."""
    from . import category

    out_dir.mkdir(parents=True, exist_ok=True)
    cards = []
    for family in sorted({c.family for c in all_campaigns()}):
        if len({e.category for e in training_examples(family)}) < 2:
            continue
        model, card = fit_family(family, archive=archive, cases_dir=cases_dir, embedder=embedder)
        model.save(out_dir, family)
        cards.append(card)
    command = command or "screening train" + (f" --cases {cases_dir}" if cases_dir is not None else "")
    meta = {
        "trained": dt.date.today().isoformat(),
        "sklearn": sklearn.__version__,
        "command": command,
        "cases": cases_dir is not None,
        "embedding": getattr(embedder, "name", None),
    }
    (out_dir / "card.json").write_text(
        json.dumps({**meta, "families": cards}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out_dir / "CARD.md").write_text(render_card(meta, cards), encoding="utf-8")
    category._models.clear()  # the next screening loads what was just written
    return cards


def render_card(meta: dict, cards: list[dict]) -> str:
    lines = [
        "# Category models (`models/category/`)",
        "",
        f"Rebuild: `{meta['command']}` (scikit-learn {meta['sklearn']}, trained {meta['trained']}); "
        "`--cases ../shared/cases` adds the labelled case write-ups.",
        "",
        f"Model (see `screening/category.py`): {LEXICAL_LABEL}, one per call family, and where labelled "
        "write-ups measure it a head over the static embedding's document vector, combined with the words as a "
        f"geometric mean ({MODEL_LABEL}); stored as plain arrays (`<family>.npz`: idf, weights, intercepts, the head's "
        "weights and intercepts; `<family>.json`: classes, word vocabulary, the learned warning thresholds). The "
        "service scores them with numpy and never imports scikit-learn; without the static embedding the words "
        "decide alone with their own threshold, and the report says so. Data: our own passages in "
        "`corpora/training/<family>/`, each rulebook's category descriptions and cues, labelled archive records, "
        "and (with `--cases`) labelled case write-ups (the ones the annotators disagreed on as soft targets, "
        "weight 0.5 per vote), of which the model keeps only weights and a word vocabulary.",
        "",
        f"Static embedding used for the heads: {meta.get('embedding') or 'none (no head fitted)'}.",
        "",
    ]
    for card in cards:
        lines += [
            f"## {card['family']} — {card['model']}",
            "",
            f"- sources: {card['sources']}; our passages, rulebook and archive per class: {card['per_class']}",
            f"- {card['cv_folds']}-fold cross-validated accuracy on our passages (optimistic): "
            f"**{card['cv_accuracy']}**",
            f"- held-out accuracy on our passages (stratified 25%, n={card['held_out_size']}): "
            f"**{card['held_out_accuracy']}**",
        ]
        if "confident" in card:
            lines.append(
                f"- mismatch warning threshold (on the probability of the words alone): **{card['confident']}**"
                if card["confident"] is not None
                else f"- mismatch warning threshold: fallback {CONFIDENT} (no labelled write-ups)"
            )
        if cv := card.get("cases_cv"):
            lines += [
                f"- labelled write-ups, grouped CV (by unit, {CV_FOLDS} folds or fewer), n={cv['n']}: top-1 "
                f"**{cv['top1']:.3f}** (majority {cv['majority_top1']:.3f}); at the threshold chosen on these "
                f"same out-of-fold scores, {cv['confident']} confident, {cv['confident_correct']} correct "
                "(threshold in-sample here; nested figures with the threshold chosen inside the folds: "
                "`bench/results/category.md`)"
            ]
        if cv := card.get("cases_cv_combined"):
            lines += [
                f"- the same with the embedding head (C={card['head_c']:g}, chosen on these out-of-fold scores): "
                f"top-1 **{cv['top1']:.3f}**; warnings (words at their threshold, same top category): "
                f"{cv['confident']}, {cv['confident_correct']} correct (in-sample for C and threshold)"
            ]
        lines += [
            "",
            "Cross-validated confusion matrix on our passages (rows: true, columns: predicted):",
            "",
            "| | " + " | ".join(card["classes"]) + " |",
            "|---" * (len(card["classes"]) + 1) + "|",
        ]
        lines += [
            f"| {c} | " + " | ".join(map(str, row)) + " |" for c, row in zip(card["classes"], card["cv_confusion"])
        ]
        lines.append("")
    return "\n".join(lines)
