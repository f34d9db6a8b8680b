"""Category suggestion on real case write-ups, by nested grouped cross-validation (issue 13, part 3).

Usage: nice .venv/bin/python bench/category.py   (writes bench/results/category.md; ~12 min on 2 shared cores)

The write-ups in ../shared/cases (labels.csv, rows where both annotators agreed) are read here at bench time; none of
their text is written anywhere. For each outer fold (StratifiedGroupKFold, grouped by the unit named in the title,
so a unit's write-ups never straddle training and test) the model is fitted on our passages, the rulebooks and the
other folds' write-ups; an inner grouped CV over those training write-ups chooses the mismatch-warning threshold,
which is then applied to the held-out fold (``screening.category_training.grouped_evaluation``). Beside every figure: the
majority class of the training fold and the TF-IDF zero-shot baseline (nearest rulebook category description).

When bench/drafts.py is present, its application-style drafts (notice headings, prose only, paraphrased headings,
merged sections, 综合材料 length; generated in memory from the same write-ups) are scored by the model of the fold
that held their source case out.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reading  # noqa: E402
from bench.cases import CASES, available, case_text  # noqa: E402
from screening import category, nlp  # noqa: E402
from screening import category_training as training  # noqa: E402
from screening.campaigns import get_campaign  # noqa: E402
from screening.config import DEFAULTS  # noqa: E402
from screening.embeddings import embedder_for  # noqa: E402

CAMPAIGN = "nrta-2025-media-convergence"
FAMILY = "media-convergence"
DRAFT_VARIANTS = ("notice", "prose", "paraphrase", "merged", "summary")
COMMAND = "nice .venv/bin/python bench/category.py"


def draft_examples(campaign) -> list[training.Example]:
    """Complete drafts (no element removed) of agreed write-ups, grouped like their source; [] without drafts.py."""
    try:
        from bench.drafts import generate
    except ImportError:
        return []
    titles = training.case_titles(CASES)
    agreed = {e.group for e in training.case_examples(FAMILY, CASES)}
    out = []
    for draft in generate(seed=0):
        group = training.unit_of(titles.get(draft.source, ""), draft.source)
        cat = campaign.category(draft.category)
        if draft.variant in DRAFT_VARIANTS and cat is not None and group in agreed and _agreed(draft.source):
            out.append(training.Example(draft.text, cat.id, f"draft:{draft.variant}", group=group))
    return out


def _agreed(file: str) -> bool:
    from bench.cases import labels

    return any(r["file"] == file and r["category"] for r in labels())


def block(title: str, scores: dict, names: dict[str, str]) -> list[str]:
    n, top1 = scores["n"], scores["top1"]
    confident, right = scores["confident"], scores["confident_correct"]
    lines = [
        f"### {title}",
        "",
        "| figure | model | majority class | TF-IDF zero-shot |",
        "|---|---|---|---|",
        f"| top-1 (n={n}) | **{top1:.3f}** ({round(top1 * n)}/{n}) | {scores['majority_top1']:.3f} | "
        f"{scores['zero_shot_top1']:.3f} |",
        f"| top-2 | {scores['top2']:.3f} | – | – |",
        f"| confident suggestions (would warn if declared otherwise) | {confident}/{n} | – | – |",
        f"| precision of confident suggestions (mismatch-warning precision) | **{right / (confident or 1):.3f}** "
        f"({right}/{confident}) | – | – |",
        f"| false warnings if every text were declared correctly | {confident - right}/{n} "
        f"({(confident - right) / n:.3f}) | – | – |",
        "",
        f"Warning thresholds (probability of the words alone) chosen inside the folds: {scores['thresholds']}. "
        "Confident errors (annotators → "
        f"model, probability): {_confident_errors(scores, names) or 'none'}",
        "",
        "Confusion (rows: annotators, columns: model):",
        "",
        "| | " + " | ".join(names[c] for c in scores["classes"]) + " |",
        "|---" * (len(scores["classes"]) + 1) + "|",
    ]
    lines += [
        f"| {names[c]} | " + " | ".join(map(str, row)) + " |" for c, row in zip(scores["classes"], scores["confusion"])
    ]
    return lines + [""]


def _confident_errors(scores: dict, names: dict[str, str]) -> str:
    rows = zip(scores["labels"], scores["predicted"], scores["confidence"], scores["warned"])
    return "; ".join(f"{names[t]} → {names[p]} ({c:.2f})" for t, p, c, warned in rows if p != t and warned)


def per_variant(drafts: list[training.Example], scores: dict) -> list[str]:
    lines = ["| variant | n | top-1 |", "|---|---|---|"]
    for variant in DRAFT_VARIANTS:
        rows = [i for i, d in enumerate(drafts) if d.source == f"draft:{variant}"]
        if rows:
            right = sum(scores["predicted"][i] == scores["labels"][i] for i in rows)
            lines.append(f"| {variant} | {len(rows)} | {right / len(rows):.3f} |")
    return lines + [""]


def other_seeds(base, labelled, soft, embedder, first: dict, seeds=(1, 2)) -> list[str]:
    """The headline figures again with other fold assignments: with 65 write-ups one text is 0.015, so one seed's
    figure alone cannot tell a change from the luck of the split. Beside each: the words alone (the service without
    the static embedding) from the same folds."""
    lines = [
        "| fold seed | top-1 | confident precision | thresholds | head C per fold | words alone: top-1 | "
        "words alone: confident precision | majority | TF-IDF zero-shot |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    runs = [(0, first)] + [
        (s, training.grouped_evaluation(base, labelled, seed=s, soft=soft, embedder=embedder)) for s in seeds
    ]
    totals = {"top1": [], "right": 0, "confident": 0, "w_top1": [], "w_right": 0, "w_confident": 0}
    for seed, scores in runs:
        words = scores.get("words", scores)
        right, confident = scores["confident_correct"], scores["confident"]
        w_right, w_confident = words["confident_correct"], words["confident"]
        totals["top1"].append(scores["top1"])
        totals["w_top1"].append(words["top1"])
        for key, value in (("right", right), ("confident", confident)):
            totals[key] += value
        for key, value in (("w_right", w_right), ("w_confident", w_confident)):
            totals[key] += value
        lines.append(
            f"| {seed} | {scores['top1']:.3f} | {right / (confident or 1):.3f} ({right}/{confident}) | "
            f"{scores['thresholds']} | {[int(c) for c in scores.get('head_c', [])]} | {words['top1']:.3f} | "
            f"{w_right / (w_confident or 1):.3f} ({w_right}/{w_confident}) | {scores['majority_top1']:.3f} | "
            f"{scores['zero_shot_top1']:.3f} |"
        )
    lines.append(
        f"| mean / pooled | **{statistics.mean(totals['top1']):.3f}** | "
        f"**{totals['right'] / (totals['confident'] or 1):.3f}** ({totals['right']}/{totals['confident']}) | | | "
        f"{statistics.mean(totals['w_top1']):.3f} | {totals['w_right'] / (totals['w_confident'] or 1):.3f} "
        f"({totals['w_right']}/{totals['w_confident']}) | | |"
    )
    return lines


def timing(campaign, embedder) -> list[str]:
    from screening.checks.base import CheckContext
    from screening.documents.intake import from_text
    from screening.embeddings import Embedders
    from screening.services import Services

    text = "\n".join(case_text(p) for p in sorted(CASES.glob("[0-9]*.txt"))[:3])[:5000]
    doc = from_text(text)
    services = Services(embedders=Embedders(category=embedder))
    ctx = CheckContext(
        document=doc,
        campaign=campaign,
        material=campaign.default_material,
        category=campaign.categories[0],
        services=services,
    )
    lexical = CheckContext(
        document=doc, campaign=campaign, material=campaign.default_material, category=campaign.categories[0]
    )
    category.run(ctx)  # warm-up: model loaded, jieba initialised, paragraph vectors encoded (as by the elements check)
    shared, words_only, alone = [], [], []
    for _ in range(7):
        t = time.perf_counter()
        category.run(ctx)  # the parse and the paragraph vectors are cached, as after the other checks
        shared.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        category.run(lexical)  # the words alone (the service without the static embedding)
        words_only.append((time.perf_counter() - t) * 1000)
        nlp.parse.cache_clear()
        embedder.clear_cache()
        t = time.perf_counter()
        category.run(ctx)  # the category step segmenting and encoding the material itself
        alone.append((time.perf_counter() - t) * 1000)
    return [
        f"- {len(text)} characters, category step with the material's parse and paragraph vectors shared with the "
        f"other checks (as in the pipeline): median **{statistics.median(shared):.1f} ms**, max {max(shared):.1f} ms; "
        f"the words alone (no embedding) median {statistics.median(words_only):.1f} ms",
        f"- the same step parsing and encoding the material itself (jieba segmentation + sentences + static "
        f"vectors): median **{statistics.median(alone):.0f} ms**, max {max(alone):.0f} ms (7 warm runs each)",
    ]


def main() -> None:
    if not available():
        sys.exit("../shared/cases not found; nothing to measure")
    started, load = time.time(), os.getloadavg()[0]
    campaign = get_campaign(CAMPAIGN)
    names = {c.id: c.name for c in campaign.categories}
    base = training.corpus_examples(FAMILY) + training.rulebook_examples(FAMILY)
    labelled = training.case_examples(FAMILY, CASES)
    soft = training.disputed_examples(FAMILY, CASES)
    embedder = embedder_for("category", DEFAULTS.model_dir)
    if embedder is None:
        sys.exit("the static embedding is not built (python -m screening.embeddings build); nothing to measure")
    drafts = draft_examples(campaign)
    scores = training.grouped_evaluation(base, labelled, extra=drafts, soft=soft, embedder=embedder)
    out = [
        f"Model: `{category.MODEL_LABEL}` (screening/category.py), static embedding `{embedder.name}`. Campaign "
        f"{CAMPAIGN}. Labelled write-ups: {len(labelled)} (annotators agreed; {len({e.group for e in labelled})} "
        f"unit groups; classes {dict(Counter(names[e.category] for e in labelled))}), plus "
        f"{len(soft) // 2} disputed write-ups trained on as soft targets (both votes, weight 0.5; never scored). "
        f"Nested grouped {training.CV_FOLDS}-fold CV, inner 3-fold for the warning threshold and the head's C "
        f"(from {[int(c) for c in training.HEAD_C]}); baselines computed on the same folds.",
        "",
        *block("Case write-ups (grouped CV by unit), words × embedding head (the service's default)", scores, names),
        *block("The same folds, words alone (the service without the static embedding)", scores["words"], names),
    ]
    if drafts:
        extra = scores["extra"]
        out += [
            *block(
                f"Application-style drafts from bench/drafts.py (complete drafts of the held-out fold's cases; "
                f"{len({d.group for d in drafts})} source groups)",
                extra,
                names,
            ),
            "Top-1 by draft variant:",
            "",
            *per_variant(drafts, extra),
        ]
    else:
        out += ["bench/drafts.py not found: drafts not measured.", ""]
    out += [
        "### Other fold seeds (same nested procedure, write-ups only)",
        "",
        *other_seeds(base, labelled, soft, embedder, scores),
        "",
    ]
    out += ["## Time for one 5,000-字 material", "", *timing(campaign, embedder), ""]
    header = [
        "# bench/category.py",
        "",
        f"Command: `{COMMAND}` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average at start {load:.1f} (the "
        f"machine was shared with other engineers' jobs; timings are upper bounds). Run took "
        f"{(time.time() - started) / 60:.0f} min.",
        "",
    ]
    print(reading.write(ROOT / "bench" / "results" / "category.md", "\n".join(header + out)))


if __name__ == "__main__":
    main()
