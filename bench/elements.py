"""The learned element matcher (issue 13): grouped cross-validation, and the training command that ships the model.

Run (both need ../shared/cases and the static embedding, ``make embedding-model``):

    nice .venv/bin/python -m bench.elements cv      # grouped 5-fold CV → bench/results/elements.md
    nice .venv/bin/python -m bench.elements train   # fit on everything → models/elements/model.json + CARD.md

Evaluation set: the 75 labelled write-ups as they are (truth = the annotators' agreed e1…e6) plus the drafts
``bench/drafts.py`` makes from the 38 write-ups with their own outline (truth exact by construction). Every figure is
grouped by source write-up: a draft is never tested by a model that saw its source or any other draft of it.
Thresholds (``t_error`` for precision, ``t_covered`` for missing-element F1) are chosen *inside* each training fold,
on out-of-fold probabilities of an inner grouped CV, never on the fold being tested.

Nothing from the cases is written except file names and counts; the model file holds numbers only.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import platform
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from bench import drafts as drafts_module  # noqa: E402
from bench.cases import CASES, available, case_text, labels  # noqa: E402
from screening.campaigns import get_campaign  # noqa: E402
from screening.checks import element_model  # noqa: E402
from screening.checks.element_model import FEATURES, MODEL_PATH, PARAGRAPH_FEATURES, ROLES, is_structured  # noqa: E402
from screening.checks.elements import _outline, _paragraphs, match_elements  # noqa: E402
from screening.documents import from_text  # noqa: E402
from screening.embeddings import STATIC_NAME, get_embedder  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "elements.md"
CARD = MODEL_PATH.parent / "CARD.md"
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "screening-element-features.pkl"
FOLDS = 5
INNER_FOLDS = 4
ERROR_PRECISION = 0.98  # among the fold's out-of-fold rows the model calls absent below t_error, this share truly is
C = 0.5
PARAGRAPH_C = 0.1  # the paragraph models see thousands of rows, but of only ~30 sources per fold: regularise more
PARAGRAPH_MIN_POSITIVES = 5
PARAGRAPH_VARIANT = "notice"
# How t_covered is chosen per role, on out-of-fold probabilities of the training rows (a ``Rule``):
#   ("share", q):       the lowest threshold under which a share q of the role's absences fall;
#   ("nested", margin): ("share", q) with q chosen inside the training rows by ``choose_share`` (the shipped rule);
#   ("beta", b):        the best missing-element F-beta (the previous rule; its beta 2 was picked after looking at
#                       this CV's figures, so it stays only as the "before" line of the stability table).
# Fixed before any outer figure was read: the target (the issue's ≥ 90 % of cut elements caught) and the grid of
# shares. The inner CV's catch rate is an estimate from ~150 cut elements per kind; a share is taken only when its
# rate clears the target by ``CATCH_MARGIN`` standard errors, so that the target holds on unseen sources for any fold
# assignment, not only on average. The margin was added after the plain rule (margin 0) fell to 0.889 on one
# grouping; both are in the stability table of bench/results/elements.md.
TARGET_CATCH = 0.90
CATCH_MARGIN = 1.0
SHARES = (0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96, 0.98)
BETA = 2.0
Rule = tuple[str, float]
SHIPPED_RULE: Rule = ("nested", CATCH_MARGIN)


@dataclass
class Row:
    """One (document, element) pair: features, truth, and what the current cue matcher said."""

    source: str
    variant: str
    doc: int
    element_id: str
    slot: int
    values: np.ndarray  # BASE_FEATURES
    truth: bool | None
    cue_status: str
    paragraphs: np.ndarray  # PARAGRAPH_FEATURES, one row per paragraph
    opening: int | None
    paragraph_truth: list[bool | None]  # per paragraph: inside a block of this element (None: no outline to tell)

    def item(self) -> element_model.ElementFeatures:
        return element_model.ElementFeatures(self.element_id, self.values, [], self.paragraphs, self.opening)


# --- documents and features ---------------------------------------------------------------------------------------


def documents() -> list[drafts_module.Draft]:
    """The labelled write-ups as they are (variant ``writeup``), then every generated draft."""
    campaign = get_campaign(drafts_module.CAMPAIGN)
    found = []
    for row in labels():
        category = campaign.category(row["category"] or row["category_A"])
        truth = {e.id: {"1": True, "0": False}.get(row[f"e{i}"]) for i, e in enumerate(category.elements, 1)}
        found.append(
            drafts_module.Draft(
                row["file"], "writeup", category.name, "detailed", case_text(CASES / row["file"]), truth
            )
        )
    return found + drafts_module.generate(seed=0)


def feature_rows(docs, embedder) -> list[Row]:
    """Features of every (document, element), cached in /tmp (outside the repo) by embedder and document count."""
    key = (embedder.name if embedder else None, len(docs), tuple(FEATURES), tuple(PARAGRAPH_FEATURES))
    if CACHE.exists():
        cached = pickle.loads(CACHE.read_bytes())
        if cached.get("key") == key:
            return [Row(**fields) for fields in cached["rows"]]
    campaign = get_campaign(drafts_module.CAMPAIGN)
    lines = drafts_module.line_elements()
    rows = []
    for index, draft in enumerate(docs):
        elements = campaign.category(draft.category).elements
        doc = from_text(draft.text, filename=f"{draft.source}.{draft.variant}.txt")
        matched = match_elements(doc, elements, embedder=embedder)
        statuses = {r["id"]: r["status"] for r in matched["elements"]}
        own = lines.get(draft.source, {})
        blocks = [own.get(doc.text[p["start"] : p["end"]].strip()) for p in _paragraphs(doc, _outline(doc, elements))]
        for slot, item in enumerate(element_model.features(doc, elements, embedder, matched)):
            truth = [None if ids is None else item.element_id in ids for ids in blocks]
            rows.append(
                Row(
                    draft.source,
                    draft.variant,
                    index,
                    item.element_id,
                    slot,
                    item.values,
                    draft.truth.get(item.element_id),
                    statuses[item.element_id],
                    item.paragraphs,
                    item.opening,
                    truth,
                )
            )
        if index % 50 == 0:
            print(f"features {index}/{len(docs)}", file=sys.stderr)
    CACHE.write_bytes(pickle.dumps({"key": key, "rows": [vars(r) for r in rows]}))  # plain dicts: -m or import
    return rows


# --- fitting ------------------------------------------------------------------------------------------------------


def fit_linear(x: np.ndarray, y: np.ndarray, c: float) -> dict:
    """Standardised logistic regression, as a dict ``element_model.linear`` reads (constant when ``y`` is)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    if len(set(y)) < 2:
        return {
            "coef": [0.0] * x.shape[1],
            "intercept": 4.0 if y[0] else -4.0,
            "mean": mean.tolist(),
            "scale": scale.tolist(),
        }
    model = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y)
    return {
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
    }


def fit_paragraphs(rows: list[Row]) -> dict[str, dict | None]:
    """Per role, the paragraph model: is this paragraph part of the element's block? Learned from the labelled lines
    of the ``notice`` drafts (each line once; the other variants repeat the same lines). A role with fewer than
    ``PARAGRAPH_MIN_POSITIVES`` such paragraphs (可持续, 问题: the write-ups argue them inside other blocks) gets none."""
    x, y = defaultdict(list), defaultdict(list)
    for r in rows:
        if r.variant != PARAGRAPH_VARIANT:
            continue
        for values, truth in zip(r.paragraphs, r.paragraph_truth):
            if truth is not None:
                x[ROLES[r.element_id]].append(values)
                y[ROLES[r.element_id]].append(truth)
    return {
        role: fit_linear(np.array(x[role]), np.array(y[role]), PARAGRAPH_C)
        if sum(y[role]) >= PARAGRAPH_MIN_POSITIVES
        else None
        for role in sorted(set(ROLES.values()))
    }


def vectors(paragraphs: dict[str, dict | None], rows: list[Row]) -> np.ndarray:
    """The document model's input for ``rows``: base features and, summed up, the paragraph models' probabilities."""
    model = element_model.model_from_dict({"roles": {}, "embedding": STATIC_NAME, "paragraphs": paragraphs})
    return np.array([model.vector(r.item()) for r in rows]).reshape(len(rows), len(FEATURES))


def stacked(rows: list[Row], targets: list[Row]) -> np.ndarray:
    """``vectors`` for ``targets`` with paragraph probabilities out of fold: each from paragraph models fitted on the
    other sources of ``rows`` (inner grouped CV), so the document model learns from probabilities as a new material
    will get them, not from paragraphs the paragraph model has seen."""
    sources = sorted({r.source for r in rows})
    found = np.zeros((len(targets), len(FEATURES)))
    for _train, test in GroupKFold(n_splits=min(INNER_FOLDS, len(sources))).split(sources, groups=sources):
        held = {sources[i] for i in test}
        chosen = [k for k, r in enumerate(targets) if r.source in held]
        if chosen:
            paragraphs = fit_paragraphs([r for r in rows if r.source not in held])
            found[chosen] = vectors(paragraphs, [targets[k] for k in chosen])
    return found


def fit(rows: list[Row], *, use_paragraphs: bool = True, rule: Rule = SHIPPED_RULE) -> dict:
    """Paragraph models, then per role the document model's weights and thresholds (on out-of-fold probabilities
    of an inner grouped CV of ``rows``), ``t_covered`` placed by ``rule``. ``use_paragraphs=False`` is the earlier
    model (document features only)."""
    weights = fit_weights(rows, use_paragraphs=use_paragraphs)
    if rule[0] == "nested":
        rule = ("share", choose_share(rows, margin=rule[1], use_paragraphs=use_paragraphs))
    return with_thresholds(weights, rule)


def fit_weights(rows: list[Row], *, use_paragraphs: bool = True) -> dict:
    """Everything ``fit`` needs but the thresholds: paragraph models, per role the document model's weights and its
    out-of-fold probabilities (``oof``) on which a rule places the thresholds."""
    known = [r for r in rows if r.truth is not None and r.values[0] == 0]  # heading-covered rows: decided by rule
    paragraphs = fit_paragraphs(rows) if use_paragraphs else {}
    x = stacked(rows, known) if use_paragraphs else vectors({}, known)
    y = np.array([bool(r.truth) for r in known])
    by_role = defaultdict(list)
    for k, r in enumerate(known):
        by_role[ROLES[r.element_id]].append(k)
    roles = {}
    for role, chosen in by_role.items():
        fitted = fit_linear(x[chosen], y[chosen], C)
        roles[role] = (fitted, out_of_fold(x[chosen], y[chosen], [known[k] for k in chosen]))
    return {"roles": roles, "paragraphs": paragraphs}


def with_thresholds(weights: dict, rule: Rule) -> dict:
    """The model dict (as ``element_model.model_from_dict`` reads it): ``weights`` and per role the thresholds the
    ``rule`` places, separately for notice-headed materials (``_structured``)."""
    roles = {}
    for role, (fitted, oof) in weights["roles"].items():
        fitted = dict(fitted)
        for structured, suffix in ((False, ""), (True, "_structured")):
            picked = [item for item in oof if is_structured(item[2].values) == structured]
            fitted.update({k + suffix: v for k, v in thresholds(picked, rule).items()})
        roles[role] = fitted
    return {
        "features": list(FEATURES),
        "paragraph_features": list(PARAGRAPH_FEATURES),
        "embedding": STATIC_NAME,
        "rule": list(rule),
        "roles": roles,
        "paragraphs": weights["paragraphs"],
    }


def choose_share(rows: list[Row], *, margin: float = CATCH_MARGIN, use_paragraphs: bool = True) -> float:
    """The smallest share of ``SHARES`` whose thresholds catch ``TARGET_CATCH`` of the elements cut from drafts
    (with notice headings and as prose, each), less ``margin`` standard errors, in a grouped CV of ``rows``: the
    fewest warnings on complete materials that still meets the target on sources the model did not see. The
    largest share when none does.

    The inner CV is the outer one's in miniature (models fitted without the held sources, thresholds from their
    own out-of-fold probabilities), so the choice stays inside the training fold.
    """
    sources = sorted({r.source for r in rows})
    caught = {share: defaultdict(list) for share in SHARES}
    for _train, test in GroupKFold(n_splits=min(INNER_FOLDS, len(sources))).split(sources, groups=sources):
        held = {sources[i] for i in test}
        weights = fit_weights([r for r in rows if r.source not in held], use_paragraphs=use_paragraphs)
        targets = [r for r in rows if r.source in held and _is_removed(r)]
        for share in SHARES:
            model = element_model.model_from_dict(with_thresholds(weights, ("share", share)))
            for r in targets:
                caught[share][r.variant].append(predict(model, r)[1] != "covered")
    for share in SHARES:
        if all(_lower_bound(v, margin) >= TARGET_CATCH for v in caught[share].values()):
            return share
    return SHARES[-1]


def _lower_bound(caught: list[bool], margin: float) -> float:
    """The catch rate less ``margin`` standard errors (binomial)."""
    rate = float(np.mean(caught))
    return rate - margin * math.sqrt(rate * (1 - rate) / len(caught))


def out_of_fold(x: np.ndarray, y: np.ndarray, rows: list[Row]) -> list[tuple[float, bool, Row]]:
    groups = np.array([r.source for r in rows])
    found = []
    for train, test in GroupKFold(n_splits=min(INNER_FOLDS, len(set(groups)))).split(x, groups=groups):
        model = element_model.linear(fit_linear(x[train], y[train], C))
        found += list(zip(model.probabilities(x[test]).tolist(), y[test].tolist(), [rows[i] for i in test]))
    return found


def thresholds(oof: list[tuple[float, bool, Row]], rule: Rule) -> dict:
    """``t_covered`` by ``rule`` (missing = below it); ``t_error``: the highest threshold at or below ``t_covered``
    whose "absent" calls are right at least ``ERROR_PRECISION`` of the time (0: never an error)."""
    scored = [(p, truth) for p, truth, _row in oof]
    if not scored:
        return {"t_error": 0.0, "t_covered": 0.5}
    grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
    kind, value = rule
    t_covered = _share_threshold(scored, grid, value) if kind == "share" else _beta_threshold(scored, grid, value)
    t_error = 0.0
    for t in grid[grid <= t_covered]:
        calls = [y for p, y in scored if p < t]
        if calls and sum(not y for y in calls) / len(calls) >= ERROR_PRECISION:
            t_error = float(t)
    return {"t_error": t_error, "t_covered": max(t_covered, t_error)}


def _share_threshold(scored: list[tuple[float, bool]], grid: np.ndarray, share: float) -> float:
    """The lowest threshold under which ``share`` of the absences fall (0.5 when there are none to place it on)."""
    absent = np.array([p for p, y in scored if not y])
    if not len(absent):
        return 0.5
    return next((float(t) for t in grid if np.mean(absent < t) >= share), float(grid[-1]))


def _beta_threshold(scored: list[tuple[float, bool]], grid: np.ndarray, beta: float) -> float:
    """The threshold with the best missing-element F-beta (ties: the lowest)."""
    best_f, t_covered = -1.0, 0.5
    for t in grid:
        tp = sum(p < t and not y for p, y in scored)
        fp = sum(p < t and y for p, y in scored)
        fn = sum(p >= t and not y for p, y in scored)
        f = (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp) if tp else 0.0
        if f > best_f + 1e-9:
            best_f, t_covered = f, float(t)
    return t_covered


def predict(model: element_model.ElementModel, row: Row) -> tuple[float, str]:
    """What the service decides for the row (``element_model.decide``), a heading over a real body deciding covered."""
    decision = element_model.decide(model, [row.item()])[row.element_id]
    return decision["probability"], "covered" if row.values[0] == 1 else decision["status"]


# --- evaluation ---------------------------------------------------------------------------------------------------


def cross_validate(
    rows: list[Row], *, seed: int | None = None, use_paragraphs: bool = True, rule: Rule = SHIPPED_RULE
) -> list[tuple[Row, float, str]]:
    """Outer grouped 5-fold: every row predicted by a model (and thresholds) fitted without its source.
    ``seed`` None: GroupKFold's own split; else a shuffled grouping (the stability table)."""
    groups = np.array([r.source for r in rows])
    folds = GroupKFold(n_splits=FOLDS) if seed is None else GroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    out = []
    for train, test in folds.split(rows, groups=groups):
        fitted = fit([rows[i] for i in train], use_paragraphs=use_paragraphs, rule=rule)
        CHOSEN[(rule, seed)].append(fitted["rule"][1])
        model = element_model.model_from_dict(fitted)
        out += [(rows[i], *predict(model, rows[i])) for i in test]
    return out


CHOSEN: dict[tuple[Rule, int | None], list[float]] = defaultdict(list)  # per CV run, each fold's share (or beta)


def summary(predicted: list[tuple[Row, float, str]]) -> list[str]:
    """The target figures, each beside the current cue matcher and the trivial baselines."""
    lines = []
    by_doc = defaultdict(list)
    for row, p, status in predicted:
        by_doc[row.doc].append((row, p, status))
    lines += ["## Targets (grouped 5-fold CV by source write-up)", ""]
    lines += [
        "| figure | learned model | cue matcher (current) | always covered | majority per element | target |",
        "|---|---|---|---|---|---|",
    ]
    majority = _majority(predicted)
    for variant, label in (
        ("prose", "complete drafts without headings: drafts with a false error"),
        ("paraphrase", "complete drafts, paraphrased headings: drafts with a false error"),
        ("merged", "complete drafts, sections merged: drafts with a false error"),
        ("notice", "complete drafts, notice headings: drafts with a false error"),
        ("summary", "综合材料 (≤1000字), notice headings: drafts with a false error"),
        ("summary_prose", "综合材料 (≤1000字), no headings: drafts with a false error"),
        ("writeup", "labelled write-ups: texts with a false error"),
    ):
        docs = [items for items in by_doc.values() if items[0][0].variant == variant]
        model = _false_error_rate(docs, lambda it: it[2])
        cue = _false_error_rate(docs, lambda it: it[0].cue_status)
        maj = _false_error_rate(docs, lambda it: majority[it[0].slot])
        target = "≤ 0.03" if variant == "prose" else ""
        lines.append(f"| {label} (n={len(docs)}) | {model} | {cue} | 0.000 | {maj} | {target} |")
    for variant in ("prose", "notice", "writeup"):
        docs = [items for items in by_doc.values() if items[0][0].variant == variant]
        model, cue = _flag_rate(docs, lambda it: it[2]), _flag_rate(docs, lambda it: it[0].cue_status)
        maj = _flag_rate(docs, lambda it: majority[it[0].slot])
        lines.append(
            f"| {variant}: documents with any flag (warning or error) on a present element (n={len(docs)}) | "
            f"{model} | {cue} | 0.000 | {maj} | |"
        )
    removed = [(row, p, status) for row, p, status in predicted if _is_removed(row)]
    for variant in ("removed_notice", "removed_prose"):
        chosen = [it for it in removed if it[0].variant == variant]
        model = _share(chosen, lambda it: it[2] != "covered")
        model_error = _share(chosen, lambda it: it[2] == "missing")
        cue = _share(chosen, lambda it: it[0].cue_status != "covered")
        maj = _share(chosen, lambda it: majority[it[0].slot] != "covered")
        kind = "notice headings" if variant == "removed_notice" else "no headings"
        lines.append(
            f"| removed elements caught, {kind} (n={len(chosen)} removed elements): flagged "
            f"(as error) | {model} ({model_error}) | {cue} | 0.000 | {maj} | ≥ 0.90 |"
        )
    for variant, label in (
        ("writeup", "missing-element F1, labelled write-ups"),
        ("prose", "missing-element F1, complete drafts without headings"),
        ("removed_prose", "missing-element F1, drafts with elements removed, no headings"),
    ):
        chosen = [it for it in predicted if it[0].variant == variant and it[0].truth is not None]
        lines.append(
            f"| {label} (n={len(chosen)} element rows) | {_f1(chosen, lambda it: it[2])} | "
            f"{_f1(chosen, lambda it: it[0].cue_status)} | 0.000 | "
            f"{_f1(chosen, lambda it: majority[it[0].slot])} | {'≥ 0.85' if variant == 'writeup' else ''} |"
        )
    errors = [it for it in predicted if it[2] == "missing" and it[0].truth is not None]
    right = sum(not it[0].truth for it in errors)
    cue_errors = [it for it in predicted if it[0].cue_status == "missing" and it[0].truth is not None]
    cue_right = sum(not it[0].truth for it in cue_errors)
    lines.append(
        f"| precision of error-level `elements.missing`, all documents | {right / max(1, len(errors)):.3f} "
        f"({right}/{len(errors)}) | {cue_right / max(1, len(cue_errors)):.3f} ({cue_right}/{len(cue_errors)}) "
        f"| – (no errors) | {_majority_precision(predicted, majority)} | |"
    )
    lines += [
        "",
        "A *false error* is an error-level `elements.missing` on an element the truth says is present. "
        "*Flagged* means the element is not reported covered (error or warning). Missing-element F1 counts an "
        "element as found missing when it is flagged. *Always covered* never flags; *majority per element* "
        "flags an element (as an error) when most write-ups lack it (e5 问题困难 in 46 of 72 labelled).",
    ]
    return lines


_REMOVED: dict[tuple[str, str, int], list[str]] = {}


def _removed_ids(row: Row) -> list[str]:
    return _REMOVED.get((row.source, row.variant, row.doc), [])


def _is_removed(row: Row) -> bool:
    """Whether ``row`` is an element whose block was cut from its draft (what "removed elements caught" counts)."""
    return row.variant.startswith("removed") and row.truth is False and row.element_id in _removed_ids(row)


def _majority(predicted) -> dict[int, str]:
    """Per element slot (e1…e6), the majority truth over the labelled write-ups: covered or missing."""
    votes = defaultdict(list)
    for row, _p, _s in predicted:
        if row.variant == "writeup" and row.truth is not None:
            votes[row.slot].append(row.truth)
    return {slot: "covered" if sum(v) * 2 >= len(v) else "missing" for slot, v in votes.items()}


def _majority_precision(predicted, majority) -> str:
    calls = [it for it in predicted if majority[it[0].slot] == "missing" and it[0].truth is not None]
    right = sum(not it[0].truth for it in calls)
    return f"{right / max(1, len(calls)):.3f} ({right}/{len(calls)})"


def _false_error_rate(docs, status_of) -> str:
    if not docs:
        return "–"
    bad = sum(any(it[0].truth is True and status_of(it) == "missing" for it in items) for items in docs)
    return f"{bad / len(docs):.3f} ({bad})"


def _flag_rate(docs, status_of) -> str:
    if not docs:
        return "–"
    bad = sum(any(it[0].truth is True and status_of(it) != "covered" for it in items) for items in docs)
    return f"{bad / len(docs):.3f} ({bad})"


def _share(items, flagged) -> str:
    return f"{sum(map(flagged, items)) / len(items):.3f}" if items else "–"


def _f1(items, status_of) -> str:
    tp = sum(not it[0].truth and status_of(it) != "covered" for it in items)
    fp = sum(it[0].truth and status_of(it) != "covered" for it in items)
    fn = sum(not it[0].truth and status_of(it) == "covered" for it in items)
    return f"{2 * tp / (2 * tp + fp + fn):.3f}" if tp else "0.000"


def per_element(predicted) -> list[str]:
    """Per element slot on the labelled write-ups and on headless drafts: flagged-as-missing F1, false errors."""
    lines = [
        "## Per element (grouped CV)",
        "",
        "| element | set | present / absent | model F1 (missing) | cue F1 | model false errors | cue false errors "
        "| model missed absences |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for slot in range(6):
        for variant in ("writeup", "prose", "removed_prose"):
            items = [
                it for it in predicted if it[0].slot == slot and it[0].variant == variant and it[0].truth is not None
            ]
            if not items:
                continue
            pos = sum(bool(it[0].truth) for it in items)
            false_err = sum(it[0].truth and it[2] == "missing" for it in items)
            cue_false = sum(it[0].truth and it[0].cue_status == "missing" for it in items)
            missed = sum(not it[0].truth and it[2] == "covered" for it in items)
            lines.append(
                f"| e{slot + 1} | {variant} | {pos} / {len(items) - pos} | {_f1(items, lambda it: it[2])} | "
                f"{_f1(items, lambda it: it[0].cue_status)} | {false_err} | {cue_false} | {missed} |"
            )
    return lines


def key_figures(predicted, status_of=lambda it: it[2]) -> dict[str, float]:
    """The target figures as numbers: false errors on complete prose drafts, removed elements caught (flagged) with
    notice headings and as prose, missing-element F1 on the write-ups, precision of error calls."""
    by_doc = defaultdict(list)
    for it in predicted:
        by_doc[it[0].doc].append(it)
    prose = [items for items in by_doc.values() if items[0][0].variant == "prose"]
    removed = [it for it in predicted if _is_removed(it[0])]
    caught = {
        v: [status_of(it) != "covered" for it in removed if it[0].variant == v]
        for v in ("removed_notice", "removed_prose")
    }
    writeup = [it for it in predicted if it[0].variant == "writeup" and it[0].truth is not None]
    errors = [not it[0].truth for it in predicted if status_of(it) == "missing" and it[0].truth is not None]
    return {
        "prose_false_errors": sum(any(it[0].truth is True and status_of(it) == "missing" for it in d) for d in prose),
        "prose_present_flags": float(
            np.mean([sum(it[0].truth is True and status_of(it) != "covered" for it in d) for d in prose])
        ),
        "caught_notice": float(np.mean(caught["removed_notice"])),
        "caught_prose": float(np.mean(caught["removed_prose"])),
        "writeup_f1": float(_f1(writeup, status_of)),
        "error_precision": float(np.mean(errors)) if errors else float("nan"),
    }


SPLITS = (None, 1, 2)
COMPARED: tuple[tuple[str, Rule], ...] = (
    (f"shipped: share chosen inside the folds, margin {CATCH_MARGIN:g} SE", SHIPPED_RULE),
    ("share chosen inside the folds, no margin", ("nested", 0.0)),
    (f"previous: beta {BETA:g} (picked after seeing CV figures)", ("beta", BETA)),
)


def stability(rows: list[Row], first: list) -> list[str]:
    """The target figures on three groupings of the sources into folds (GroupKFold's own, and shuffled with seeds 1
    and 2), for the shipped rule, the same rule without its margin, and the previous rule (beta 2), each with the
    share each fold chose; then the cue matcher and the majority baseline. With 38 sources that have drafts, which
    sources share a fold moves the figures by several points: mean and min are what the targets are read on."""
    lines = [
        "## Stability over fold assignments (grouped 5-fold CV, three groupings)",
        "",
        "| model | split | complete prose drafts with a false error (of 38) | removed caught, notice headings | "
        "removed caught, no headings | missing-element F1, write-ups | error precision | present elements flagged "
        "per complete prose draft | share (or beta) per fold |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, rule in COMPARED:
        figures = []
        for seed in SPLITS:
            shipped = rule == SHIPPED_RULE and seed is None
            predicted = first if shipped else cross_validate(rows, seed=seed, rule=rule)
            figures.append(key_figures(predicted))
            chosen = " / ".join(f"{v:g}" for v in CHOSEN[(rule, seed)])
            split = "GroupKFold" if seed is None else f"shuffled, seed {seed}"
            lines.append(_stability_row(label, split, figures[-1], chosen))
        for name, reduce in (("**mean**", np.mean), ("**min** (max for false errors and flags)", None)):
            lines.append(
                _stability_row(label, name, {k: _reduce(k, [f[k] for f in figures], reduce) for k in figures[0]})
            )
    cue = key_figures(first, lambda it: it[0].cue_status)
    lines.append(_stability_row("cue matcher (no folds: fixed rules)", "–", cue))
    majority = _majority(first)
    lines.append(
        _stability_row("majority per element (no folds)", "–", key_figures(first, lambda it: majority[it[0].slot]))
    )
    return lines


def _reduce(key: str, values: list[float], reduce) -> float:
    """Mean, or the worst value: the max where less is better (false errors, flags), the min elsewhere."""
    if reduce is not None:
        return float(reduce(values))
    return float(max(values) if key in ("prose_false_errors", "prose_present_flags") else min(values))


def _stability_row(label: str, split: str, f: dict[str, float], chosen: str = "") -> str:
    return (
        f"| {label} | {split} | {f['prose_false_errors']:.1f} | {f['caught_notice']:.3f} | {f['caught_prose']:.3f} "
        f"| {f['writeup_f1']:.3f} | {f['error_precision']:.3f} | {f['prose_present_flags']:.2f} | {chosen} |"
    )


# --- commands -----------------------------------------------------------------------------------------------------


def _load_rows():
    if not available():
        sys.exit("../shared/cases is not present: nothing to evaluate or train on.")
    embedder = get_embedder(name=STATIC_NAME)
    if embedder is None:
        sys.exit("static embedding not built (make embedding-model): the model is fitted with it.")
    docs = documents()
    for index, d in enumerate(docs):
        _REMOVED[(d.source, d.variant, index)] = d.removed
    started = time.perf_counter()
    rows = feature_rows(docs, embedder)
    return docs, rows, time.perf_counter() - started


def timing(embedder) -> list[str]:
    """The elements check with the learned model on the 5000字 material of bench/checks.py, warm, 20 runs."""
    from bench.checks import material_5000, run_all
    from screening import nlp, numbers
    from screening.checks import elements as elements_check

    load = os.getloadavg()[0]
    text, source = material_5000()
    campaign = get_campaign(drafts_module.CAMPAIGN)
    doc, category = from_text(text, filename="bench.txt"), campaign.category("融合生产传播")
    run_all(doc, campaign, category, options={"embedder": embedder})
    model, elements = element_model.load(), category.elements
    matched = match_elements(doc, elements, embedder=embedder)
    step = []
    for _ in range(20):  # the learned step alone (features and decision), encoded paragraphs cached as in the check
        started = time.perf_counter()
        element_model.decide(model, element_model.features(doc, elements, embedder, matched))
        step.append(time.perf_counter() - started)
    seconds = []
    for _ in range(20):
        nlp.parse.cache_clear()
        numbers._find_quantities.cache_clear()
        elements_check._SIMILARITY_CACHE.clear()  # a new upload finds no encoded paragraphs either
        seconds.append(run_all(doc, campaign, category, options={"embedder": embedder})["elements"])
    cue_seconds = []
    model_loader = element_model.load
    element_model.load = lambda *_: None  # the same check with the cue matcher deciding, under the same load
    try:
        for _ in range(20):
            nlp.parse.cache_clear()
            numbers._find_quantities.cache_clear()
            elements_check._SIMILARITY_CACHE.clear()
            cue_seconds.append(run_all(doc, campaign, category, options={"embedder": embedder})["elements"])
    finally:
        element_model.load = model_loader
    return [
        f"Speed: the elements check on {source} (5000 Word 字), static embedding loaded, warm, parse and similarity "
        f"caches cleared, 20 runs each: learned model median {np.median(seconds) * 1000:.0f} ms (max "
        f"{max(seconds) * 1000:.0f}), cue matcher median {np.median(cue_seconds) * 1000:.0f} ms (max "
        f"{max(cue_seconds) * 1000:.0f}); the learned step alone (features and decision, paragraphs already "
        f"encoded by the check) median {np.median(step) * 1000:.0f} ms. Load average at the start of the timing "
        f"{load:.1f} on {os.cpu_count()} cores, shared with other engineers' jobs: compare the figures, not their "
        "absolute size."
    ]


NOTES = """\
## Reading the figures

What changed (issue 13, round 3): only the rule that places `t_covered`. Features, paragraph stage and weights are
those of round 2. Round 2 chose `t_covered` by missing-element F-beta with beta 2, and beta 2 was picked after
comparing betas in this CV. The shipped rule is now fixed in advance and chosen inside the folds. Per role,
`t_covered` is the lowest threshold under which a share q of the role's out-of-fold absences fall. q is the smallest
share on a fixed grid whose catch of cut elements, in a grouped CV *inside the training fold*, clears the 90 % target
by one standard error (binomial, about ±2.5 points on the ~150 cut elements per kind an inner CV sees). The stability
table holds before and after: "previous: beta 2" is round 2's shipped model, and "no margin" is the same nested rule
without the margin. Order of development: I wrote and ran the nested rule without margin first (mean 0.909, min
0.889). Then I ran margins 0.5 and 1 SE (0.5: mean 0.917, min 0.900, 2.77 warnings per complete prose draft). I
ship 1 SE, the conventional bound, so one choice was made after seeing figures. Every variant run is reported here.

- **False errors on complete drafts: target met, as before.** Without headings, 0 of 38 complete drafts draw an
  error-level `elements.missing` on all three fold groupings (cue matcher 16, majority 19). Write-ups: 1 of 75.
  Sections merged: 3 of 38. The error thresholds do not depend on the rule, so error precision is unchanged:
  0.930 / 0.907 / 0.934 (cue matcher 0.692).
- **Removed sections: caught as prose 0.950 / 0.911 / 0.911 on the three groupings, mean 0.924, min 0.911. This is
  now met on every grouping, without a post-hoc choice of beta.** Before: 0.944 / 0.928 / 0.850, mean 0.907, min
  0.850 (cue matcher 0.500; always-covered and majority 0). With notice headings: 0.978 / 0.944 / 0.939, mean 0.954
  (before 0.931, min 0.911; cue matcher 0.617). Most catches are still warnings. The error threshold keeps ≥ 98 %
  precision inside the folds, and outlook, problems and forward never reach it. The share each fold chose
  (0.90–0.98) is in the stability table. The shipped model, fitted on everything, chose 0.94 (models/elements/CARD.md).
  One cue-matcher rule stays for materials that head every *other* element by the notice (`elements.apply_model`):
  there an element with neither heading nor cue paragraph stays an error. The drafts never head every element, so
  this rule is not measured here (tests/checks/test_element_model.py pins it).
- **The cost is warnings on complete drafts, slightly more than before (goal 3 not reached).** A complete prose
  draft gets 2.89 warnings on present elements on average (before 2.67; min/max over groupings 2.76–3.03). The
  verdict is 需修改, never 不符合要求. On GroupKFold's split, the 115 warnings on the 38 complete prose drafts fall
  on 总体情况 36, 成效 30, 做法 26, 可借鉴/可持续 10, 下一步/经验 8 and 问题困难 5. Two pairs look alike to the
  model: a prose draft whose overview was cut and one that opens on its measures; and a cut results block and
  results told inside the 做法 paragraphs. With notice headings, 13 of 38 complete drafts get a warning (before 14).
  Fewer warnings cost catches on this model: the no-margin rule has 2.70 and its min falls to 0.889.
- **Missing-element F1 on the labelled write-ups: 0.624 / 0.617 / 0.638, mean 0.626 (before mean 0.630); the
  target of 0.85 is not met, and the model still loses to the cue matcher (0.705) and the majority baseline
  (0.675).** Where F1 is lost (GroupKFold split): 88 absences flagged, 89 present elements flagged, 17 absences
  missed. By element, the present elements flagged are e3 22, e1 21, e5 20, e4 13, e2 9 and e6 4. e1 and e2 are
  present in every write-up, so each of their flags is a false positive. Never flagging e1, e2 or e3 would
  lift the same predictions to 0.74.
  These flags are the price of catching cut overviews and results in drafts. Why they cannot be traded away
  here: on out-of-fold probabilities, the model separates a write-up's unheaded but present overview from a
  draft's cut overview with AUC 0.54, and a complete prose draft's overview from a cut one with 0.59. It also
  separates results with 0.73. Some single features separate write-ups from cut drafts better (e1 marker count
  0.88, e3 cue_max 0.96), but they also separate write-ups from the short 综合材料 drafts, whose elements are
  present. A material's length is deliberately not a feature, so the model cannot use them without learning
  "short means incomplete". Why 0.85 is out of reach with these labels (round 2's oracle, unchanged): deciding e1,
  e2, e3 and e6 perfectly while keeping this model's e4/e5 scores 0.832. Keeping the rule that a heading naming
  the element decides `covered` scores 0.797: 11 of the 105 labelled absences sit under such a heading.
- **e5 (问题困难) read as the annotators read it: tried, not kept.** I built the structure feature from the brief.
  It counts problem sentences (难题/困难/瓶颈/挑战/问题/不足/短板/难点/堵点/痛点/制约/障碍/困境) that a handling
  sentence (针对/解决/破解/克服/为此/应对/化解/攻克/突破/缓解/弥补/对此) follows in the same or the next sentence,
  after the first fifth of the text. Problem sentences inside the first fifth are counted apart. On the 68
  write-ups with an agreed e5 label, its AUC is 0.70, below the plain problem-marker count (0.82). Problem words in
  the opening go with e5 *present* (AUC 0.76), the opposite of "a motivating pain point is not enough". Even
  in-sample, the best single threshold on any of these features lifts e5 F1 from 0.796 (flag every write-up) only
  to 0.854 (marker count), 0.822 (longest marked run) and 0.808 (structure). In the full model (nested rule, no
  margin, three groupings), the two structure features gave write-up F1 0.629 against 0.625 without them. But error
  precision fell from 0.924 to 0.869, and one complete prose draft in one grouping drew a false error. Dropped.
- **e4 as "a passage, not a sentence": tried, not kept.** The feature was the longest run of consecutive sentences
  that carry the element's markers. Same CV: prose catches mean 0.906 (min 0.889), write-up F1 0.625, e4
  write-up F1 0.734–0.753 (unchanged). With the share of marked sentences added (a length-free density): mean
  0.906, min 0.883, F1 0.622. The run and the two e5 features together: mean 0.913, min 0.900, F1 0.625, error
  precision 0.880, and 1 false error in one grouping. These features cost under 1 ms per 5000字 material, but none of them
  paid for its place.
- **Per-role allocation of the flags: tried, not kept.** Instead of the same share per role, I placed the role
  thresholds greedily on the pooled out-of-fold rows, taking the most absences caught per present element flagged,
  until the share was reached. The share was still chosen inside the folds, with a 1 SE margin. Result: prose
  catches 0.950 / 0.950 / 0.911 (mean 0.937), write-up F1 0.629 and 2.92 warnings per complete prose draft. The
  folds then chose shares of 0.94–0.98: as many warnings for a few more catches.
- **Tried in round 2 and not kept** (beta 1.5, same CV): a paragraph model over the static embedding's 256
  dimensions (prose catches mean 0.85 against 0.88); the cue matcher's decision as a feature (error precision
  0.80–0.89); write-ups weighted ×5 / ×10 when choosing `t_covered` (write-up F1 0.64–0.66, prose catches
  0.76–0.82). Also e5 instead of the static embedding: prose catches mean 0.898 and write-up F1 0.581 (static:
  0.907 and 0.630), at ~2.5 s per material instead of ~15 ms. The static embedding stays.
- **Drafts' length is not a feature.** The 综合材料 (≤ 1000字) drafts draw no false error (0 of 38, with and
  without headings).
- **Cost per material: unchanged.** The shipped model has the same features and weights as round 2; only its
  thresholds moved. The learned step's time is in the timing below (it was ~5 ms in round 2's runs). The nested
  choice of the share costs only training and bench time: the first CV above fits in ~13 s on a quiet machine
  (round 2: 7.6 s), and ~140 s under a load average of ~9.
"""


def cv_command() -> None:
    docs, rows, seconds = _load_rows()
    started = time.perf_counter()
    predicted = cross_validate(rows)
    census = drafts_module.census([d for d in docs if d.variant != "writeup"])
    lines = [
        "# Element coverage: learned matcher, grouped cross-validation (issue 13)",
        "",
        "Command: `nice .venv/bin/python -m bench.elements cv`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average at "
        f"start {os.getloadavg()[0]:.1f}, shared with other engineers' jobs, so times are indicative only.  ",
        f"Features for {len(docs)} documents: {seconds:.0f} s (cached in /tmp afterwards); CV fitting "
        f"{time.perf_counter() - started:.1f} s.",
        "",
        f"Documents: {sum(d.variant == 'writeup' for d in docs)} labelled write-ups as they are, plus drafts from "
        f"bench/drafts.py ({len({d.source for d in docs if d.variant != 'writeup'})} write-ups with their own "
        "outline; truth per element, unknown where a cut may have taken an element without its own block):",
        "",
        *census,
        "",
        f"Folds: {FOLDS}-fold GroupKFold by source write-up; inside each training fold a {INNER_FOLDS}-fold grouped "
        "CV gives out-of-fold probabilities on which, per role, `t_covered` and `t_error` (error calls right ≥ "
        f"{ERROR_PRECISION:.0%}) are placed. `t_covered` catches a share q of the role's inner out-of-fold absences; "
        f"q is chosen inside the training fold (a second grouped CV within it): the smallest of {SHARES} whose "
        f"inner catch of cut elements, with notice headings and as prose, is ≥ {TARGET_CATCH:.0%} less "
        f"{CATCH_MARGIN:g} standard error. A flag between `t_error` and `t_covered` is a warning. A heading that "
        "names the element over a real body "
        "decides `covered`, as before.",
        "",
        *summary(predicted),
        "",
        *per_element(predicted),
        "",
        *stability(rows, predicted),
        "",
        NOTES,
        *(timing(get_embedder(name=STATIC_NAME)) if MODEL_PATH.exists() else []),
        "",
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def train_command() -> None:
    docs, rows, _seconds = _load_rows()
    fitted = fit(rows)
    n_sources = len({r.source for r in rows})
    fitted["card"] = {
        "trained": f"{datetime.now(UTC):%Y-%m-%d}",
        "documents": len(docs),
        "sources": n_sources,
        "command": "python -m bench.elements train",
    }
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    MODEL_PATH.write_text(json.dumps(fitted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    CARD.write_text(card(fitted), encoding="utf-8")
    print(f"wrote {MODEL_PATH} and {CARD}")


def card(fitted: dict) -> str:
    rows = [
        "| role | elements | t_error | t_covered | structured: t_error | t_covered | " + " | ".join(FEATURES) + " |",
        "|---|---|---|---|---|---|" + "---|" * len(FEATURES),
    ]
    for role, m in sorted(fitted["roles"].items()):
        ids = ", ".join(sorted(i for i, r in ROLES.items() if r == role))
        rows.append(
            f"| {role} | {ids} | {m['t_error']:.2f} | {m['t_covered']:.2f} | {m['t_error_structured']:.2f} | "
            f"{m['t_covered_structured']:.2f} | " + " | ".join(f"{c:+.2f}" for c in m["coef"]) + " |"
        )
    paragraph_rows = ["| role | " + " | ".join(PARAGRAPH_FEATURES) + " |", "|---|" + "---|" * len(PARAGRAPH_FEATURES)]
    for role, m in sorted(fitted["paragraphs"].items()):
        cells = " | ".join(f"{c:+.2f}" for c in m["coef"]) if m else " | ".join(["–"] * len(PARAGRAPH_FEATURES))
        paragraph_rows.append(f"| {role} | {cells} |")
    return "\n".join(
        [
            "# Element model (`models/elements/model.json`)",
            "",
            "Per required element, the probability that a material covers it (`screening/checks/element_model.py`).",
            "",
            f"- Trained: {fitted['card']['trained']} with `nice .venv/bin/python -m bench.elements train` on "
            f"{fitted['card']['documents']} documents from {fitted['card']['sources']} write-ups (../shared/cases, "
            "labelled against the 2025 national call, and drafts generated from them by bench/drafts.py).",
            "- Model: two stages of standardised logistic regression per element role. A paragraph model gives each "
            "paragraph the probability that it belongs to the element (features: the paragraph's cue score, relative "
            "similarity to the element's description, marked sentences, position, whether it opens the material, "
            "length), learned from the body lines of the drafts' element blocks; a role with too few such paragraphs "
            "(可持续, 问题: argued inside other blocks) has none. A document model weighs the whole-material features and "
            "the paragraph probabilities summed up (max, top-2 mean, sum, opening paragraph, count ≥ 0.5). Its training "
            "rows use paragraph probabilities from paragraph models that did not see their source (stacking). The file "
            "holds weights, feature means and scales, and two thresholds per role. It holds no text: no sentence, "
            "passage or vocabulary of the write-ups.",
            f"- Needs the static embedding `{STATIC_NAME}` (similarity features). Without it, or without this file, the "
            "service runs the cue-word matcher and says so in the report.",
            f"- Thresholds: `t_covered` is the lowest threshold under which a share {fitted['rule'][1]:g} of the role's "
            "absences fall, `t_error` keeps error calls right ≥ "
            f"{ERROR_PRECISION:.0%}, both on out-of-fold probabilities of a grouped CV over the training set; the "
            f"share was chosen by a grouped CV over the training set as the smallest of {SHARES} that catches "
            f"≥ {TARGET_CATCH:.0%} of the elements cut from drafts (less {CATCH_MARGIN:g} standard error).",
            "- Quality (grouped CV): bench/results/elements.md.",
            "- Limits: learned from third-party case write-ups and drafts cut from them, not from real applications; "
            "the 2025 call's elements only (other calls' elements share a role by kind).",
            "",
            "Document model, standardised coefficients:",
            "",
            *rows,
            "",
            "Paragraph models, standardised coefficients:",
            "",
            *paragraph_rows,
            "",
        ]
    )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "cv"
    {"cv": cv_command, "train": train_command}[command]()
