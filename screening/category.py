"""Category suggestion: which of the call's categories a material fits, how sure we are, and the sentences why.

The model is per call *family* (``media-convergence``, ``smart-network-services``, ...), because category ids stay
the same across years while names change (体制机制改革 in 2024 is 创新发展机制 in 2025, same id ``mechanism``);
a 2024 archive record therefore trains the 2025 model, and ``Campaign.category()`` resolves either name.

**The lexical model** (the default, ``word-tfidf-svm-calibrated``): jieba word TF-IDF (words seen in at least two
training texts), a linear SVM, and sigmoid calibration (``CalibratedClassifierCV``, 3-fold) so that the
probabilities shown to users mean roughly what they say. Why:

- in grouped CV on the labelled write-ups (two seeds), words scored 0.754/0.738 top-1, character 1-3-grams
  0.754/0.723, both joined 0.738/0.708, with C=0.3 0.723/0.692 and our passages down-weighted to 0.3
  0.708/0.677: all within noise of each other (one write-up is 0.015), so the cheapest one was kept;
- the SVM fits in under a second where logistic regression on the 200k character n-grams took ~60 s (measured
  under load), which is what makes nested grouped cross-validation affordable;
- it learns from everything available: our own passages (``corpora/training``), each rulebook's category
  description and cues, labelled archive records, and labelled case write-ups (``screening train --cases DIR``, a
  folder with ``labels.csv``). From the write-ups the fitted model keeps only numeric weights and an n-gram/word
  vocabulary; no sentence of theirs is stored (no nearest-neighbour memory; ``stop_words_`` is dropped);
- it scores single sentences, so it also picks the evidence sentences.

**The mismatch warning threshold is learned, not fixed.** ``train`` chooses it on out-of-fold predictions for the
labelled write-ups (grouped by source unit): the lowest probability from which the top suggestion is right in at
least ``WARNING_PRECISION`` of cases, at every higher threshold too. It is stored with the model (``confident``);
``CONFIDENT`` is only the fallback for a model fitted without labelled write-ups. Telling a correct applicant their
category looks wrong is the costly mistake, so the threshold is chosen for precision, not coverage.

**Structure of the material.** The declared category comes from ``--category`` or the 申报表's 征集类别 field (the
pipeline resolves both); when neither is given, a ``申报类别：…`` line in the material is read as the declaration
(``declared_in_text``). Declaration lines are blanked before scoring, so the suggestion judges content only and never
echoes what the applicant wrote; the element headings are not used as a feature for the same reason: applicants
(and ``bench/drafts.py``) write to the template of the category they declare, so headings measure the declaration,
not the fit.

The embedding head (``<family>.e5.joblib``, logistic regression over the e5 vector) is kept for experiments
(``category_embedder``); by measurement it was not better than lexical and costs ~1.4 s per material.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from .campaigns import Campaign, all_campaigns
from .checks.base import CheckContext, CheckResult
from .config import PROJECT_DIR, settings
from .embeddings import MODEL_NAME as EMBEDDING_MODEL
from . import nlp
from .report import Finding, Span

log = logging.getLogger(__name__)

NAME = "category"
MODEL_DIR = PROJECT_DIR / "models" / "category"
CONFIDENT = 0.6  # fallback warning threshold for a model trained without labelled write-ups
WARNING_PRECISION = 0.95  # the mismatch warning's target precision; the learned threshold is chosen for it
EVIDENCE_SENTENCES = 3
MODEL_LABEL = "word-tfidf-svm-calibrated"
EMBEDDING_LABEL = "e5-logreg-calibrated"
CV_FOLDS = 5
DECLARATION_LINE = re.compile(r"^[\s（(]*(?:申报|征集|参评|所属)?类别[\s）)]*[:：]\s*(?P<name>[^\s，。；,;]{2,20})",
                              re.MULTILINE)


@dataclass(frozen=True)
class Example:
    text: str
    category: str  # category id
    source: str  # "corpus" | "rulebook" | "archive" | "cases"
    group: str = ""  # cross-validation group (the source case's unit) for labelled write-ups


# --- training data ------------------------------------------------------------------------------------------------


def family_campaigns(family: str) -> list[Campaign]:
    return [c for c in all_campaigns() if c.family == family]


def corpus_examples(family: str, *, corpora_dir: Path | None = None) -> list[Example]:
    folder = (corpora_dir or settings.corpora_dir) / "training" / family
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
    if cases_dir is None or not (cases_dir / "labels.csv").is_file():
        return []
    campaigns = family_campaigns(family)
    titles = _case_titles(cases_dir)
    examples = []
    for row in _read_csv(cases_dir / "labels.csv"):
        cat = next((c for camp in campaigns if (c := camp.category(row.get("category") or "")) is not None), None)
        path = cases_dir / row["file"]
        if cat is None or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(line for line in lines if line.strip() and not line.startswith("#"))
        examples.append(Example(text, cat.id, "cases", group=_unit_of(titles.get(row["file"], ""), row["file"])))
    return examples


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _case_titles(cases_dir: Path) -> dict[str, str]:
    index = cases_dir / "index.csv"
    return {r["file"]: r.get("title", "") for r in _read_csv(index)} if index.is_file() else {}


def _unit_of(title: str, fallback: str) -> str:
    """人民日报：AI编辑部 → 人民日报 (first four characters, so 人民日报社 and 人民日报 are one unit)."""
    head, colon, _ = title.partition("：")
    return head.strip()[:4] if colon and head.strip() else fallback


def training_examples(family: str, *, archive=None, cases_dir: Path | None = None) -> list[Example]:
    examples = corpus_examples(family) + rulebook_examples(family)
    if archive is not None:
        examples += archive_examples(family, archive)
    return examples + case_examples(family, cases_dir)


# --- the model ----------------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """jieba words (dictionary only, with the project's domain words) for the word half of the features."""
    import jieba

    nlp.pipeline()  # extends jieba's dictionary with the domain words, so 融媒体 stays one word
    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


def _features() -> FeatureUnion:
    """jieba words seen in at least two training texts. Character 1-3-grams (alone or joined with the words)
    measured no better in grouped CV (bench/results/category.md) and cost 18x the features."""
    return FeatureUnion([("words", TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2))])


def _classifier() -> CalibratedClassifierCV:
    # Few examples per class: 3 calibration folds keep at least two examples per class in each fitting split.
    return CalibratedClassifierCV(LinearSVC(C=1.0), method="sigmoid", cv=3)


def make_model(*, embedded: bool = False) -> Pipeline:
    """The lexical model (texts in), or with ``embedded`` the embedding head (e5 vectors in)."""
    if embedded:
        return make_pipeline(CalibratedClassifierCV(LogisticRegression(C=10.0, max_iter=5000), method="sigmoid", cv=3))
    return make_pipeline(_features(), _classifier())


def fit(examples: list[Example], *, embedder=None) -> Pipeline:
    """Fit the lexical model, or the embedding head when an embedder is given."""
    model = make_model(embedded=embedder is not None)
    model.fit(_inputs(examples, embedder), [e.category for e in examples])
    return _forget_pruned_terms(model)


def _forget_pruned_terms(model: Pipeline) -> Pipeline:
    """Drop ``stop_words_`` (the n-grams pruned by ``min_df``) where the installed scikit-learn keeps it (older
    releases did; 1.9 does not): only needed for introspection, and it would ship fragments of the training texts
    that the model does not use."""
    first = model.steps[0][1]
    for _name, vectorizer in getattr(first, "transformer_list", []):
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None
    return model


def _inputs(examples: list[Example], embedder):
    texts = [e.text for e in examples]
    return texts if embedder is None else embedder.encode(texts)


@dataclass
class CategoryModel:
    """The shipped lexical model with the warning threshold learned for it (``None``: use ``CONFIDENT``)."""

    pipeline: Pipeline
    confident: float | None = None
    meta: dict = field(default_factory=dict)

    @property
    def classes_(self):
        return self.pipeline.classes_

    def predict_proba(self, texts):
        return self.pipeline.predict_proba(texts)


# --- choosing the warning threshold and measuring, by grouped cross-validation ------------------------------------


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, *, target: float = WARNING_PRECISION,
                     min_support: int = 5) -> float:
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


def _out_of_fold(train_base: list[Example], labelled: list[Example], *, folds: int, seed: int):
    """Probabilities for each labelled example from a model that never saw its group (the base examples are always
    in training). Returns (probabilities, classes)."""
    labels = np.array([e.category for e in labelled])
    groups = np.array([e.group or str(i) for i, e in enumerate(labelled)])
    splitter = _splitter(labels, groups, folds, seed)
    classes = sorted({e.category for e in train_base + labelled})
    probs = np.zeros((len(labelled), len(classes)))
    for train_idx, test_idx in splitter.split(np.zeros(len(labelled)), labels, groups):
        model = fit(train_base + [labelled[i] for i in train_idx])
        p = model.predict_proba([labelled[i].text for i in test_idx])
        for j, c in enumerate(model.classes_):
            probs[test_idx, classes.index(c)] = p[:, j]
    return probs, classes


def grouped_evaluation(base: list[Example], labelled: list[Example], *, folds: int = CV_FOLDS, inner_folds: int = 3,
                       seed: int = 0, extra: list[Example] = ()) -> dict:
    """Nested grouped cross-validation on the labelled write-ups (groups: source unit).

    Outer folds measure top-1; inside each outer fold, an inner grouped CV over that fold's training write-ups picks
    the warning threshold, which is then applied to the outer test fold — the threshold never sees the texts it is
    judged on. ``extra`` examples (e.g. drafts generated from the write-ups, with the source's group) are scored by
    the model of the fold that holds their group out, and reported under ``"extra"``. Baselines: the majority class
    of each training fold and the TF-IDF zero-shot (nearest rulebook description).
    """
    labels = np.array([e.category for e in labelled])
    groups = np.array([e.group or str(i) for i, e in enumerate(labelled)])
    splitter = _splitter(labels, groups, folds, seed)
    classes = sorted({e.category for e in base + labelled})
    probs, extra_probs = np.zeros((len(labelled), len(classes))), np.zeros((len(extra), len(classes)))
    thresholds, extra_thresholds = np.zeros(len(labelled)), np.full(len(extra), 1.01)
    majority, extra_majority = np.empty(len(labelled), dtype=object), np.empty(len(extra), dtype=object)
    for train_idx, test_idx in splitter.split(np.zeros(len(labelled)), labels, groups):
        training = [labelled[i] for i in train_idx]
        held_groups = set(groups[test_idx])
        extra_idx = [i for i, e in enumerate(extra) if e.group in held_groups]
        model = fit(base + training)
        _fill(probs, test_idx, classes, model, [labelled[i].text for i in test_idx])
        _fill(extra_probs, extra_idx, classes, model, [extra[i].text for i in extra_idx])
        inner_probs, inner_classes = _out_of_fold(base, training, folds=inner_folds, seed=seed + 1)
        inner_correct = np.array(inner_classes)[inner_probs.argmax(1)] == labels[train_idx]
        thresholds[test_idx] = extra_thresholds[extra_idx] = choose_threshold(inner_probs.max(1), inner_correct)
        values, counts = np.unique(labels[train_idx], return_counts=True)
        majority[test_idx] = extra_majority[extra_idx] = values[counts.argmax()]
    scores = _scores(labels, probs, classes, thresholds, majority, zero_shot(base, [e.text for e in labelled]))
    if extra:
        scores["extra"] = _scores(np.array([e.category for e in extra]), extra_probs, classes, extra_thresholds,
                                  extra_majority, zero_shot(base, [e.text for e in extra]))
    return scores


def _fill(probs: np.ndarray, rows, classes: list[str], model, texts: list[str]) -> None:
    if len(rows):
        p = model.predict_proba(texts)
        for j, c in enumerate(model.classes_):
            probs[rows, classes.index(c)] = p[:, j]


def _scores(labels, probs, classes, thresholds, majority, zero) -> dict:
    predicted = np.array(classes)[probs.argmax(1)]
    confidence = probs.max(1)
    confident = confidence >= thresholds
    top2 = [labels[i] in np.array(classes)[np.argsort(-probs[i])[:2]] for i in range(len(labels))]
    n = len(labels)
    return {
        "n": n, "classes": classes, "top1": float((predicted == labels).mean()), "top2": float(np.mean(top2)),
        "majority_top1": float((majority == labels).mean()), "zero_shot_top1": float((np.array(zero) == labels).mean()),
        "confident": int(confident.sum()),
        "confident_correct": int((predicted[confident] == labels[confident]).sum()),
        "thresholds": sorted({round(float(t), 2) for t in thresholds}),
        "confusion": confusion_matrix(labels, predicted, labels=classes).tolist(),
        "predicted": predicted.tolist(), "confidence": confidence.tolist(), "labels": labels.tolist(),
        "row_thresholds": [float(t) for t in thresholds],
    }  # fmt: skip


def zero_shot(base: list[Example], texts: list[str]) -> list[str]:
    """Baseline: the category whose rulebook description and cues are nearest (character TF-IDF cosine)."""
    rulebook = [e for e in base if e.source == "rulebook"]
    classes = sorted({e.category for e in rulebook})
    joined = ["\n".join(e.text for e in rulebook if e.category == c) for c in classes]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit(joined + texts)
    similarity = (vectorizer.transform(texts) @ vectorizer.transform(joined).T).toarray()
    return [classes[i] for i in similarity.argmax(1)]


def evaluate(examples: list[Example], *, embedder=None, seed: int = 0) -> dict:
    """Numbers on our own passages: 5-fold cross-validated accuracy and confusion, plus one stratified 25% held-out
    split. Optimistic (the passages are written to be clear); the write-up figures come from ``grouped_evaluation``."""
    texts = _inputs(examples, embedder)
    labels = [e.category for e in examples]
    classes = sorted(set(labels))
    folds = StratifiedKFold(n_splits=min(5, min(labels.count(c) for c in classes)), shuffle=True, random_state=seed)
    embedded = embedder is not None
    predicted = cross_val_predict(make_model(embedded=embedded), texts, labels, cv=folds)
    train_x, test_x, train_y, test_y = train_test_split(texts, labels, test_size=0.25, stratify=labels,
                                                        random_state=seed)
    held_out = make_model(embedded=embedded).fit(train_x, train_y)
    return {
        "classes": classes,
        "examples": len(examples),
        "per_class": {c: labels.count(c) for c in classes},
        "cv_folds": folds.n_splits,
        "cv_accuracy": round(float(accuracy_score(labels, predicted)), 3),
        "cv_confusion": confusion_matrix(labels, predicted, labels=classes).tolist(),
        "held_out_size": len(test_y),
        "held_out_accuracy": round(float(accuracy_score(test_y, held_out.predict(test_x))), 3),
    }


# --- training -----------------------------------------------------------------------------------------------------


def fit_family(family: str, *, archive=None, cases_dir: Path | None = None, seed: int = 0) -> tuple[CategoryModel, dict]:
    """Fit one family's lexical model on everything available and learn its warning threshold.

    With labelled write-ups, the threshold is chosen on grouped out-of-fold probabilities (each write-up scored by a
    model that never saw its unit); the card shows those figures, which are in-sample for the threshold itself —
    the honest nested figures are ``bench/category.py``'s. Without write-ups the threshold is ``None``.
    """
    examples = training_examples(family, archive=archive, cases_dir=cases_dir)
    base = [e for e in examples if e.source != "cases"]
    labelled = [e for e in examples if e.source == "cases"]
    sources = {s: sum(e.source == s for e in examples) for s in ("corpus", "rulebook", "archive", "cases")}
    card = {"family": family, "model": MODEL_LABEL, "sources": sources, **evaluate(base, seed=seed)}
    confident = None
    if len(labelled) >= 2 * CV_FOLDS:
        probs, classes = _out_of_fold(base, labelled, folds=CV_FOLDS, seed=seed)
        truth = np.array([e.category for e in labelled])
        predicted = np.array(classes)[probs.argmax(1)]
        confident = choose_threshold(probs.max(1), predicted == truth)
        chosen = probs.max(1) >= confident
        card["cases_cv"] = {"n": len(labelled), "top1": float((predicted == truth).mean()),
                            "majority_top1": float((truth == max(set(truth), key=list(truth).count)).mean()),
                            "confident": int(chosen.sum()), "confident_correct": int((predicted == truth)[chosen].sum())}
    card["confident"] = confident
    model = CategoryModel(fit(examples), confident, {"sources": sources, "trained": dt.date.today().isoformat()})
    return model, card


def train(*, archive=None, embedder=None, cases_dir: Path | None = None, out_dir: Path = MODEL_DIR,
          command: str | None = None) -> list[dict]:
    """Refit every family's models, write ``<family>.joblib`` (and ``<family>.e5.joblib`` with an embedder) and the
    card; return the evaluations."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cards = []
    for family in sorted({c.family for c in all_campaigns()}):
        if len({e.category for e in training_examples(family)}) < 2:
            continue
        model, card = fit_family(family, archive=archive, cases_dir=cases_dir)
        cards.append(card)
        joblib.dump(model, out_dir / f"{family}.joblib", compress=3)
        if embedder is not None:
            examples = training_examples(family, archive=archive, cases_dir=cases_dir)
            cards.append({"family": family, "model": EMBEDDING_LABEL, **evaluate(examples, embedder=embedder),
                          "sources": card["sources"]})
            joblib.dump(fit(examples, embedder=embedder), out_dir / f"{family}.e5.joblib", compress=3)
    command = command or "screening train" + (" --lexical-only" if embedder is None else "") + \
        (f" --cases {cases_dir}" if cases_dir is not None else "")
    meta = {"trained": dt.date.today().isoformat(), "sklearn": sklearn.__version__, "command": command,
            "cases": cases_dir is not None, "embedding_heads_retrained": embedder is not None}
    (out_dir / "card.json").write_text(json.dumps({**meta, "families": cards}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    (out_dir / "CARD.md").write_text(render_card(meta, cards), encoding="utf-8")
    _models.clear()
    return cards


def render_card(meta: dict, cards: list[dict]) -> str:
    lines = ["# Category models (`models/category/`)", "",
             f"Rebuild: `{meta['command']}` (scikit-learn {meta['sklearn']}, trained {meta['trained']}); "
             "`--cases ../shared/cases` adds the labelled case write-ups.", "",
             f"Models (see `screening/category.py`): {MODEL_LABEL} (`<family>.joblib`, the default; also picks the "
             f"evidence sentences and carries the learned warning threshold) and {EMBEDDING_LABEL} "
             "(`<family>.e5.joblib`, experiments only)"
             + ("" if meta.get("embedding_heads_retrained", True) else " — not retrained in this run") + ". "
             "Data: our own passages in `corpora/training/<family>/`, each rulebook's category descriptions and "
             "cues, labelled archive records, and (with `--cases`) labelled case write-ups, of which the model keeps "
             "only weights and an n-gram/word vocabulary.", ""]
    for card in cards:
        lines += [f"## {card['family']} — {card['model']}", "",
                  f"- sources: {card['sources']}; our passages, rulebook and archive per class: {card['per_class']}",
                  f"- {card['cv_folds']}-fold cross-validated accuracy on our passages (optimistic): "
                  f"**{card['cv_accuracy']}**",
                  f"- held-out accuracy on our passages (stratified 25%, n={card['held_out_size']}): "
                  f"**{card['held_out_accuracy']}**"]
        if "confident" in card:
            lines.append(f"- mismatch warning threshold: **{card['confident']}**" if card["confident"] is not None
                         else f"- mismatch warning threshold: fallback {CONFIDENT} (no labelled write-ups)")
        if cv := card.get("cases_cv"):
            lines += [f"- labelled write-ups, grouped CV (by unit, {CV_FOLDS} folds or fewer), n={cv['n']}: top-1 "
                      f"**{cv['top1']:.3f}** (majority {cv['majority_top1']:.3f}); at the threshold chosen on these "
                      f"same out-of-fold scores, {cv['confident']} confident, {cv['confident_correct']} correct "
                      "(threshold in-sample here; nested figures with the threshold chosen inside the folds: "
                      "`bench/results/category.md`)"]
        lines += ["", "Cross-validated confusion matrix on our passages (rows: true, columns: predicted):", "",
                  "| | " + " | ".join(card["classes"]) + " |", "|---" * (len(card["classes"]) + 1) + "|"]
        lines += [f"| {c} | " + " | ".join(map(str, row)) + " |" for c, row in zip(card["classes"],
                                                                                   card["cv_confusion"])]
        lines.append("")
    return "\n".join(lines)


# --- using the model ----------------------------------------------------------------------------------------------

_lock = threading.Lock()
_models: dict[tuple[str, str | None], object] = {}


def model_for(campaign: Campaign, *, embedder=None):
    """The family's fitted model (lexical ``CategoryModel``, or the embedding head with an embedder): the shipped
    one if it knows every category of the call, else fitted now from the training sources."""
    key = (campaign.family, getattr(embedder, "name", None))
    with _lock:
        if key not in _models:
            _models[key] = _load_or_fit(campaign, embedder)
        return _models[key]


def _load_or_fit(campaign: Campaign, embedder):
    wanted = {c.id for c in campaign.categories}
    path = _shipped_path(campaign.family, embedder)
    if path is not None and path.exists():
        model = joblib.load(path)
        if wanted <= set(model.classes_):
            return model
        log.warning("category model %s lacks some categories of %s; refitting", path.name, campaign.id)
    else:
        log.warning("no shipped category model for family %s; fitting one from our passages", campaign.family)
    fitted = fit(training_examples(campaign.family), embedder=embedder)
    return fitted if embedder is not None else CategoryModel(fitted, None, {"fitted_on_first_use": True})


def _shipped_path(family: str, embedder) -> Path | None:
    """The committed model file; an embedding head is only valid for the model it was fitted with."""
    if embedder is None:
        return MODEL_DIR / f"{family}.joblib"
    return MODEL_DIR / f"{family}.e5.joblib" if embedder.name == EMBEDDING_MODEL else None


def warning_threshold(campaign: Campaign) -> float:
    """The probability from which a suggestion contradicting the declared category raises the warning."""
    learned = getattr(model_for(campaign), "confident", None)
    return CONFIDENT if learned is None else learned


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


def suggest(text: str, campaign: Campaign, *, embedder=None, declared: str | None = None) -> list[dict]:
    """The campaign's categories ranked by probability (renormalised over this call's categories), with evidence.

    Probabilities come from the embedding head when an embedder is given, else from the lexical model; evidence
    sentences always come from the lexical model, which can score one sentence cheaply. With ``declared`` (a
    category id), a category's evidence is the sentences that most favour it over the declared one.
    """
    text = _content_only(text)
    lexical = model_for(campaign)
    if embedder is not None:
        head = model_for(campaign, embedder=embedder)
        doc_probs, classes = head.predict_proba(embedder.encode_long(text)[None, :])[0], list(head.classes_)
    else:
        doc_probs, classes = lexical.predict_proba([text])[0], list(lexical.classes_)
    by_id = {c.id: float(doc_probs[classes.index(c.id)]) if c.id in classes else 0.0 for c in campaign.categories}
    total = sum(by_id.values()) or 1.0
    sentences = [s for s in nlp.sentences(text) if len(s.text) >= 8]
    lex_classes = list(lexical.classes_)
    sentence_probs = lexical.predict_proba([s.text for s in sentences]) if sentences else None
    ranked = []
    for cat in sorted(campaign.categories, key=lambda c: -by_id[c.id]):
        ranked.append({"category": cat.name, "id": cat.id, "probability": round(by_id[cat.id] / total, 3),
                       "evidence": _evidence(cat.id, declared, sentences, sentence_probs, lex_classes)})
    return ranked


def _evidence(cat_id: str, declared: str | None, sentences, sentence_probs, classes: list[str]) -> list[dict]:
    if cat_id not in classes or sentence_probs is None:
        return []
    column = sentence_probs[:, classes.index(cat_id)]
    score = column - sentence_probs[:, classes.index(declared)] if declared in classes and declared != cat_id \
        else column
    evidence = []
    for i in np.argsort(-score)[:EVIDENCE_SENTENCES]:
        s = sentences[i]
        evidence.append({"start": s.start, "end": s.end, "text": s.text, "score": round(float(column[i]), 3)})
    return evidence


def model_label(embedder) -> str:
    if embedder is None:
        return MODEL_LABEL
    return EMBEDDING_LABEL if embedder.name == EMBEDDING_MODEL else f"{embedder.name}-logreg-calibrated"


def _declaration(ctx: CheckContext):
    """(category, where it was declared): the caller's or the form's category, else a 申报类别 line in the text."""
    if ctx.category is not None:
        return ctx.category, "申报类别"
    cat, _span = declared_in_text(ctx.document.text, ctx.campaign)
    return (cat, "材料中填写的类别") if cat is not None else (None, None)


def run(ctx: CheckContext) -> CheckResult:
    """Options: ``category_embedder`` (an ``Embedder``) to use the embedding head instead of the lexical model."""
    embedder = ctx.options.get("category_embedder")
    result = CheckResult(NAME)
    threshold = warning_threshold(ctx.campaign)
    declared, declared_where = _declaration(ctx)
    fallback = getattr(model_for(ctx.campaign), "meta", {}).get("fitted_on_first_use", False)
    measurement = {"model": model_label(embedder), "degraded": fallback, "warning_threshold": threshold,
                   "threshold": "fixed" if getattr(model_for(ctx.campaign), "confident", None) is None else "learned",
                   "declared": declared.name if declared else None, "declared_in": declared_where}
    if fallback:
        result.degraded.append("类别建议模型文件缺失，已临时用自编训练文本拟合（未含已标注案例），类别建议准确性较低，"
                               "类别不符提示使用固定阈值。请运行 screening train 重新生成模型。")
    text = ctx.document.text
    if not text.strip():
        result.measurement = {"ranked": [], **measurement}
        return result
    ranked = suggest(text, ctx.campaign, embedder=embedder, declared=declared.id if declared else None)
    result.measurement = {"ranked": ranked, **measurement}
    top = ranked[0]
    if declared is not None and top["id"] != declared.id and top["probability"] >= threshold:
        result.findings.append(_mismatch(ctx, declared, declared_where, top, ranked))
    return result


def _mismatch(ctx: CheckContext, declared, declared_where: str, top: dict, ranked: list[dict]) -> Finding:
    declared_p = next(r["probability"] for r in ranked if r["id"] == declared.id)
    return Finding(
        check=NAME, code="category.mismatch", severity="warning",
        message=(f"{declared_where}为“{declared.name}”，但材料内容更符合“{top['category']}”"
                 f"（可能性 {top['probability']:.0%}，申报类别 {declared_p:.0%}）。"),
        evidence=[Span(start=e["start"], end=e["end"], text=e["text"], label=f"支持“{top['category']}”的句子")
                  for e in top["evidence"]],
        rule=ctx.cite(declared.clause),
        suggestion=f"请核对类别：如案例重点在{top['category']}方面，建议改报该类别；否则请在材料中突出"
                   f"{declared.name}方面的做法与成效。",
    )  # fmt: skip
