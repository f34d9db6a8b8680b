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
# t_covered maximises F-beta of "missing" (beta > 1 favours catching absences; a flag is only a warning). Raised from
# 1.5 to 2 after comparing beta 0.75 / 1 / 1.5 / 2 in this CV (bench/results/elements.md says so): 2 catches more cut
# sections with the same write-up F1 and the same errors (t_error does not depend on beta), at the cost of warnings.
BETA = 2.0


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


def fit(rows: list[Row], *, use_paragraphs: bool = True, beta: float = BETA) -> dict:
    """Paragraph models, then per role the document model's weights and thresholds (on out-of-fold probabilities
    of an inner grouped CV of ``rows``). ``use_paragraphs=False`` is the previous model (document features only)."""
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
        oof = out_of_fold(x[chosen], y[chosen], [known[k] for k in chosen])
        for structured, suffix in ((False, ""), (True, "_structured")):
            picked = [item for item in oof if is_structured(item[2].values) == structured]
            fitted.update({k + suffix: v for k, v in thresholds(picked, beta).items()})
        roles[role] = fitted
    return {
        "features": list(FEATURES),
        "paragraph_features": list(PARAGRAPH_FEATURES),
        "embedding": STATIC_NAME,
        "roles": roles,
        "paragraphs": paragraphs,
    }


def out_of_fold(x: np.ndarray, y: np.ndarray, rows: list[Row]) -> list[tuple[float, bool, Row]]:
    groups = np.array([r.source for r in rows])
    found = []
    for train, test in GroupKFold(n_splits=min(INNER_FOLDS, len(set(groups)))).split(x, groups=groups):
        model = element_model.linear(fit_linear(x[train], y[train], C))
        found += list(zip(model.probabilities(x[test]).tolist(), y[test].tolist(), [rows[i] for i in test]))
    return found


def thresholds(oof: list[tuple[float, bool, Row]], beta: float = BETA) -> dict:
    """``t_covered``: best missing-element F-beta (missing = below it); ``t_error``: the highest threshold at or below
    ``t_covered`` whose "absent" calls are right at least ``ERROR_PRECISION`` of the time (0: never an error)."""
    scored = [(p, truth) for p, truth, _row in oof]
    if not scored:
        return {"t_error": 0.0, "t_covered": 0.5}
    grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
    best_f1, t_covered = -1.0, 0.5
    for t in grid:
        tp = sum(p < t and not y for p, y in scored)
        fp = sum(p < t and y for p, y in scored)
        fn = sum(p >= t and not y for p, y in scored)
        f1 = (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best_f1, t_covered = f1, float(t)
    t_error = 0.0
    for t in grid[grid <= t_covered]:
        calls = [y for p, y in scored if p < t]
        if calls and sum(not y for y in calls) / len(calls) >= ERROR_PRECISION:
            t_error = float(t)
    return {"t_error": t_error, "t_covered": max(t_covered, t_error)}


def predict(model: element_model.ElementModel, row: Row) -> tuple[float, str]:
    """What the service decides for the row (``element_model.decide``), a heading over a real body deciding covered."""
    decision = element_model.decide(model, [row.item()])[row.element_id]
    return decision["probability"], "covered" if row.values[0] == 1 else decision["status"]


# --- evaluation ---------------------------------------------------------------------------------------------------


def cross_validate(
    rows: list[Row], *, seed: int | None = None, use_paragraphs: bool = True, beta: float = BETA
) -> list[tuple[Row, float, str]]:
    """Outer grouped 5-fold: every row predicted by a model (and thresholds) fitted without its source.
    ``seed`` None: GroupKFold's own split; else a shuffled grouping (the stability table)."""
    groups = np.array([r.source for r in rows])
    folds = GroupKFold(n_splits=FOLDS) if seed is None else GroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    out = []
    for train, test in folds.split(rows, groups=groups):
        model = element_model.model_from_dict(fit([rows[i] for i in train], use_paragraphs=use_paragraphs, beta=beta))
        out += [(rows[i], *predict(model, rows[i])) for i in test]
    return out


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
    removed = [
        (row, p, status)
        for row, p, status in predicted
        if row.variant.startswith("removed") and row.truth is False and row.element_id in _removed_ids(row)
    ]
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
    removed = [
        it
        for it in predicted
        if it[0].variant.startswith("removed") and it[0].truth is False and it[0].element_id in _removed_ids(it[0])
    ]
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


def stability(rows: list[Row], first: list) -> list[str]:
    """The target figures on three groupings of the sources into folds (GroupKFold's own, and shuffled with seeds 1
    and 2), for the shipped model, the same with the previous beta, and the previous model (document features only,
    beta 1.5): with 38 sources that have drafts, which sources share a fold moves the figures by several points."""
    lines = [
        "## Stability over fold assignments (grouped 5-fold CV, three groupings)",
        "",
        "| model | split | complete prose drafts with a false error (of 38) | removed caught, notice headings | "
        "removed caught, no headings | missing-element F1, write-ups | error precision | present elements flagged "
        "per complete prose draft |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, use, beta in (
        ("with paragraph models, beta 2 (shipped)", True, BETA),
        ("with paragraph models, beta 1.5", True, 1.5),
        ("previous: document features only, beta 1.5", False, 1.5),
    ):
        figures = []
        for seed in SPLITS:
            shipped = use and beta == BETA and seed is None
            predicted = first if shipped else cross_validate(rows, seed=seed, use_paragraphs=use, beta=beta)
            figures.append(key_figures(predicted))
            lines.append(_stability_row(label, "GroupKFold" if seed is None else f"shuffled, seed {seed}", figures[-1]))
        lines.append(
            _stability_row(label, "**mean**", {k: float(np.mean([f[k] for f in figures])) for k in figures[0]})
        )
    cue = key_figures(first, lambda it: it[0].cue_status)
    lines.append(_stability_row("cue matcher (no folds: fixed rules)", "–", cue))
    return lines


def _stability_row(label: str, split: str, f: dict[str, float]) -> str:
    return (
        f"| {label} | {split} | {f['prose_false_errors']:.1f} | {f['caught_notice']:.3f} | {f['caught_prose']:.3f} "
        f"| {f['writeup_f1']:.3f} | {f['error_precision']:.3f} | {f['prose_present_flags']:.2f} |"
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

What changed (issue 13, round 2): a paragraph stage (``element_model.py``: a paragraph model per role, learned from
the body lines of the drafts' element blocks, its probabilities summed up per element and stacked into the document
model) and `t_covered` chosen with beta 2 instead of 1.5. The stability table holds the before/after: the previous
model is "document features only, beta 1.5".

- **False errors on complete drafts: target met, as before.** Without headings 0 of 38 complete drafts draw an
  error-level `elements.missing`, on all three fold groupings (cue matcher: 16 of 38). Write-ups: 1 of 75 (an
  e2 error; previous model 0, cue matcher 24). Sections merged: 3 of 38 (previous 2, cue matcher 13). Error calls
  are right 93 % of the time over all documents (previous 94 %, cue matcher 69 %).
- **Removed sections: caught 95 % with notice headings (target met) and 94 % as prose on GroupKFold's split; over
  three fold groupings 93 % and 91 % on average (min 91 % and 85 %): the prose target is met on average, not on
  every grouping.** Previous model: 77 % as prose (mean 77 %, min 71 %). The paragraph stage raised the mean from
  77 % to 82 % at the same beta; beta 2 took it to 91 %. Beta was chosen after comparing 0.75 / 1 / 1.5 / 2 in
  this CV (beta 0.75 and 1 caught 31 % and 48 % as prose in development runs), so the 91 % is somewhat
  optimistic; a rule that needs no such choice, `t_covered` = the lowest threshold that catches 90 % of the inner
  folds' absences, gave 0.933 / 0.889 / 0.850 on the three groupings (mean 0.891). Most catches are warnings: the
  error threshold keeps ≥ 98 % precision inside the folds, which outlook, problems and forward never reach.
  One cue-matcher rule stays for materials that head every *other* element by the notice (`elements.apply_model`):
  there an element with neither heading nor cue paragraph stays an error; the drafts never head every element, so
  it is not measured here (tests/checks/test_element_model.py pins it).
- **The cost is warnings on complete drafts.** A complete prose draft now gets 2.7 warnings on present elements on
  average (previous model 2.1, cue matcher 1.5 but with errors), every one of them at least one, as before; the
  verdict is 需修改, never 不符合要求. With notice headings, 14 of 38 complete drafts get a warning (previous 17).
  On the 38 complete prose drafts (GroupKFold split) the 108 warnings on present elements fall on 总体情况 in 36
  drafts, 成效 in 30, 做法 in 20, 可持续/可借鉴 11, 下一步 6, 问题困难 5: a prose draft whose overview was cut and
  one that opens on its measures look alike, and so do a cut results block and results told inside the 做法
  paragraphs; the model says it is unsure, with its probability and sentences. Beta 2 adds most of the 做法
  warnings (20 drafts against 9 at beta 1.5, development run); `BETA = 1.5` in bench/elements.py (then `train`)
  trades them back for catches (mean 0.824, 2.2 warnings per draft).
- **Missing-element F1 on the labelled write-ups: 0.625 (mean 0.630 over groupings), target 0.85 not met;** the
  previous model 0.640, the cue matcher 0.705, majority per element 0.675. Where it is lost (GroupKFold split):
  89 absences flagged, 91 present elements flagged, 16 absences missed. Present elements flagged: e1 22, e2 8,
  e3 23 (warnings that catch cut overviews and results in drafts cost the same on write-ups without those
  headings), e4 14, e5 20. Why 0.85 is out of reach with these labels: an oracle that decides e1, e2, e3 and e6
  perfectly and keeps this model's e4/e5 scores 0.832; keeping the rule that a heading naming the element
  decides `covered` (11 of the 105 labelled absences sit under such a heading: e3 6, e4 4, e6 1), 0.797. So 0.85
  needs e4 (可借鉴/可持续: "a passage, not a sentence") and e5 (问题困难: "the project's own problems, not the pain
  points that motivated it") read as the annotators read them. On e5 the model, the cue matcher and the majority
  baseline all score 0.811 (45 of 46 absences flagged, 20 of 26 present flagged): nothing here separates the
  write-ups that argue their own problems from those that do not, and a document-level TF-IDF classifier on the
  write-ups alone (previous round) did no better (e5 0.80–0.81). 72 labelled texts, with e3 absent in 10, do not
  teach that distinction.
- **Tried and not kept** (development runs, same grouped CV, beta 1.5): a paragraph model over the static
  embedding's 256 dimensions plus the six paragraph features (prose catches mean 0.85 against 0.88 for the
  lexical paragraph model in the same harness; write-up F1 0.63–0.64, no better); the cue matcher's decision as a
  feature (error precision fell to 0.80–0.89, catches no higher); weighting the write-ups ×5 / ×10 when choosing
  `t_covered` (write-up F1 0.64–0.66, prose catches down to 0.76–0.82).
- **e5 instead of the static embedding: worse, and 150× dearer.** The same model and CV with multilingual-e5-small
  similarities in place of the static embedding's (development run, beta 2, three groupings): prose catches
  0.917 / 0.906 / 0.872 (mean 0.898, static 0.907), write-up F1 0.570 / 0.576 / 0.597 (mean 0.581, static 0.630),
  1 false error on complete prose drafts in two of three groupings (static 0), error precision 0.85–0.91. Cost: the
  5000字 timing material has 44 paragraphs; e5 encodes ~17.6 paragraphs/s on two idle cores (research/deps.md), so
  ~2.5 s per material where the static embedding takes ~15 ms, plus ~4 s to load and ~1.4 GB resident (it encoded
  2,149 unique paragraphs in 1,126 s here, 1.9/s, under a load average of 8–10). The static embedding stays.
- **Drafts' length is not a feature.** Cut drafts are shorter than complete ones; the paragraph summaries (sum,
  count) grow with the element's own paragraphs, not with the material's length, and 综合材料 (≤ 1000字) drafts
  draw no false error (0 of 38, with and without headings).
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
        f"CV gives out-of-fold probabilities on which `t_covered` (best missing-element F-beta, beta {BETA}: a flag "
        "is only a warning) and `t_error` (error "
        f"calls right ≥ {ERROR_PRECISION:.0%}) are chosen. A heading that names the element over a real body "
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
            f"- Thresholds: `t_covered` maximises missing-element F-beta (beta {BETA}), `t_error` keeps error calls right ≥ "
            f"{ERROR_PRECISION:.0%}, both on out-of-fold probabilities of a grouped CV over the training set.",
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
