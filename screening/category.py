"""Category suggestion: which of the call's categories a material fits, how sure we are, and the sentences why.

The model is per call *family* (``media-convergence``, ``smart-network-services``, ...), because category ids stay
the same across years while names change (体制机制改革 in 2024 is 创新发展机制 in 2025, same id ``mechanism``);
a 2024 archive record therefore trains the 2025 model, and ``Campaign.category()`` resolves either name.

Two models per family, both logistic regression calibrated with ``CalibratedClassifierCV`` (sigmoid, 3-fold) so a
probability of 0.8 means about 8 in 10:

- **lexical** (always there): character 1-3-gram TF-IDF. Needs no segmenter, holds up on short, domain-heavy
  passages, and scores single sentences, so it also picks the evidence sentences;
- **embedding head** (when the e5 model is loaded): the same classifier over the material's e5 vector (chunk mean).

Measured on 65 real write-ups (bench/results/category.md): lexical 0.738 top-1 (0.938 top-2; confident on 39, of
which 37 right), e5 head 0.723, static-embedding head 0.692; and a 5,000-字 material costs ~75 ms lexical against
~1.4 s with e5 on 2 cores. So the check runs the
lexical model; the embedding head is used only when a caller passes ``category_embedder`` (for experiments, or once
a better-trained head measures better). Lexical is the chosen method, not a fallback: no degraded note.

Training data (``screening train``): our own passages in ``corpora/training/<family>/<category id>.txt``, each
rulebook's category description and cues, and labelled archive records (category and text) of the same family.
Fitted models live in ``models/category/<family>.joblib`` with ``models/category/CARD.md``; a family without a fitted
model is fitted on first use from the same sources (a second or so), so a new call needs no code.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline

from .campaigns import Campaign, all_campaigns
from .checks.base import CheckContext, CheckResult
from .config import PROJECT_DIR, settings
from .embeddings import MODEL_NAME as EMBEDDING_MODEL
from . import nlp
from .report import Finding, Span

log = logging.getLogger(__name__)

NAME = "category"
MODEL_DIR = PROJECT_DIR / "models" / "category"
CONFIDENT = 0.6  # a suggestion at or above this probability contradicting the declared category is a warning
EVIDENCE_SENTENCES = 3
MODEL_LABEL = "char-tfidf-logreg-calibrated"
EMBEDDING_LABEL = "e5-logreg-calibrated"


@dataclass(frozen=True)
class Example:
    text: str
    category: str  # category id
    source: str  # "corpus" | "rulebook" | "archive"


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


def training_examples(family: str, *, archive=None) -> list[Example]:
    examples = corpus_examples(family) + rulebook_examples(family)
    if archive is not None:
        examples += archive_examples(family, archive)
    return examples


# --- fitting and evaluating ---------------------------------------------------------------------------------------


def _classifier() -> CalibratedClassifierCV:
    # Few examples per class: 3 calibration folds keep at least two examples per class in each fitting split.
    return CalibratedClassifierCV(LogisticRegression(C=10.0, max_iter=5000), method="sigmoid", cv=3)


def make_model(*, embedded: bool = False) -> Pipeline:
    """The lexical model (texts in), or with ``embedded`` the embedding head (e5 vectors in)."""
    if embedded:
        return make_pipeline(_classifier())
    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), _classifier())


def fit(examples: list[Example], *, embedder=None) -> Pipeline:
    """Fit the lexical model, or the embedding head when an embedder is given."""
    model = make_model(embedded=embedder is not None)
    model.fit(_inputs(examples, embedder), [e.category for e in examples])
    return model


def _inputs(examples: list[Example], embedder):
    texts = [e.text for e in examples]
    return texts if embedder is None else embedder.encode(texts)


def evaluate(examples: list[Example], *, embedder=None, seed: int = 0) -> dict:
    """Honest numbers: 5-fold cross-validated accuracy and confusion matrix, plus one stratified 25% held-out split."""
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


def train(*, archive=None, embedder=None, out_dir: Path = MODEL_DIR) -> list[dict]:
    """Refit every family's models, write ``<family>.joblib`` (and ``<family>.e5.joblib`` with an embedder) and the
    card; return the evaluations."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cards = []
    for family in sorted({c.family for c in all_campaigns()}):
        examples = training_examples(family, archive=archive)
        if len({e.category for e in examples}) < 2:
            continue
        sources = {s: sum(e.source == s for e in examples) for s in ("corpus", "rulebook", "archive")}
        cards.append({"family": family, "model": MODEL_LABEL, **evaluate(examples), "sources": sources})
        joblib.dump(fit(examples), out_dir / f"{family}.joblib", compress=3)
        if embedder is not None:
            cards.append({"family": family, "model": EMBEDDING_LABEL, **evaluate(examples, embedder=embedder),
                          "sources": sources})
            joblib.dump(fit(examples, embedder=embedder), out_dir / f"{family}.e5.joblib", compress=3)
    meta = {"trained": dt.date.today().isoformat(), "sklearn": sklearn.__version__, "command": "screening train"}
    (out_dir / "card.json").write_text(json.dumps({**meta, "families": cards}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    (out_dir / "CARD.md").write_text(render_card(meta, cards), encoding="utf-8")
    _models.clear()
    return cards


def render_card(meta: dict, cards: list[dict]) -> str:
    lines = ["# Category models (`models/category/`)", "",
             f"Rebuild: `{meta['command']}` (scikit-learn {meta['sklearn']}, trained {meta['trained']}).",
             "", f"Models (see `screening/category.py`): {MODEL_LABEL} (`<family>.joblib`, always available; also "
             f"picks the evidence sentences) and {EMBEDDING_LABEL} (`<family>.e5.joblib`, used when the embedding model "
             "is built). Data: our own passages in "
             "`corpora/training/<family>/`, each rulebook's category descriptions and cues, and labelled archive "
             "records. Accuracy below is on that training data (cross-validated and held out), which is small and "
             "written by us; see `bench/results/category.md` for accuracy on real case write-ups.", ""]
    for card in cards:
        lines += [f"## {card['family']} — {card['model']}", "",
                  f"- examples: {card['examples']} ({card['sources']}); per class: {card['per_class']}",
                  f"- {card['cv_folds']}-fold cross-validated accuracy: **{card['cv_accuracy']}**",
                  f"- held-out accuracy (stratified 25%, n={card['held_out_size']}): **{card['held_out_accuracy']}**",
                  "", "Cross-validated confusion matrix (rows: true, columns: predicted):", "",
                  "| | " + " | ".join(card["classes"]) + " |", "|---" * (len(card["classes"]) + 1) + "|"]
        lines += [f"| {c} | " + " | ".join(map(str, row)) + " |" for c, row in zip(card["classes"],
                                                                                   card["cv_confusion"])]
        lines.append("")
    return "\n".join(lines)


# --- using the model ----------------------------------------------------------------------------------------------

_lock = threading.Lock()
_models: dict[tuple[str, str | None], Pipeline] = {}


def model_for(campaign: Campaign, *, embedder=None) -> Pipeline:
    """The family's fitted model (lexical, or the embedding head with an embedder): the shipped one if it knows
    every category of the call, else fitted now from the training sources."""
    key = (campaign.family, getattr(embedder, "name", None))
    with _lock:
        if key not in _models:
            _models[key] = _load_or_fit(campaign, embedder)
        return _models[key]


def _load_or_fit(campaign: Campaign, embedder) -> Pipeline:
    wanted = {c.id for c in campaign.categories}
    path = _shipped_path(campaign.family, embedder)
    if path is not None and path.exists():
        model = joblib.load(path)
        if wanted <= set(model.classes_):
            return model
        log.warning("category model %s lacks some categories of %s; refitting", path.name, campaign.id)
    return fit(training_examples(campaign.family), embedder=embedder)


def _shipped_path(family: str, embedder) -> Path | None:
    """The committed model file; an embedding head is only valid for the model it was fitted with."""
    if embedder is None:
        return MODEL_DIR / f"{family}.joblib"
    return MODEL_DIR / f"{family}.e5.joblib" if embedder.name == EMBEDDING_MODEL else None


def suggest(text: str, campaign: Campaign, *, embedder=None) -> list[dict]:
    """The campaign's categories ranked by probability (renormalised over this call's categories), with evidence.

    Probabilities come from the embedding head when an embedder is given, else from the lexical model; evidence
    sentences always come from the lexical model, which can score one sentence cheaply.
    """
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
        evidence = []
        if cat.id in lex_classes and sentence_probs is not None:
            column = sentence_probs[:, lex_classes.index(cat.id)]
            for i in np.argsort(-column)[:EVIDENCE_SENTENCES]:
                s = sentences[i]
                evidence.append({"start": s.start, "end": s.end, "text": s.text, "score": round(float(column[i]), 3)})
        ranked.append({"category": cat.name, "id": cat.id, "probability": round(by_id[cat.id] / total, 3),
                       "evidence": evidence})
    return ranked


def model_label(embedder) -> str:
    if embedder is None:
        return MODEL_LABEL
    return EMBEDDING_LABEL if embedder.name == EMBEDDING_MODEL else f"{embedder.name}-logreg-calibrated"


def run(ctx: CheckContext) -> CheckResult:
    """Options: ``category_embedder`` (an ``Embedder``) to use the embedding head instead of the lexical model."""
    embedder = ctx.options.get("category_embedder")
    result = CheckResult(NAME)
    measurement = {"model": model_label(embedder), "degraded": False}
    text = ctx.document.text
    if not text.strip():
        result.measurement = {"ranked": [], **measurement}
        return result
    ranked = suggest(text, ctx.campaign, embedder=embedder)
    result.measurement = {"ranked": ranked, **measurement}
    top = ranked[0]
    if ctx.category is not None and top["id"] != ctx.category.id and top["probability"] >= CONFIDENT:
        declared_p = next(r["probability"] for r in ranked if r["id"] == ctx.category.id)
        result.findings.append(Finding(
            check=NAME, code="category.mismatch", severity="warning",
            message=(f"申报类别为“{ctx.category.name}”，但材料内容更符合“{top['category']}”"
                     f"（可能性 {top['probability']:.0%}，申报类别 {declared_p:.0%}）。"),
            evidence=[Span(start=e["start"], end=e["end"], text=e["text"], label=f"支持“{top['category']}”的句子")
                      for e in top["evidence"]],
            rule=ctx.cite(ctx.category.clause),
            suggestion=f"请核对类别：如案例重点在{top['category']}方面，建议改报该类别；否则请在材料中突出"
                       f"{ctx.category.name}方面的做法与成效。",
        ))
    return result
