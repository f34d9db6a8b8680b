"""Category suggestion on real case write-ups, by nested grouped cross-validation (issue 13, part 3).

Usage: nice .venv/bin/python bench/category.py   (writes bench/results/category.md; ~15 min on 2 shared cores)

The write-ups in ../shared/cases (labels.csv, rows where both annotators agreed) are read here at bench time; none of
their text is written anywhere. For each outer fold (StratifiedGroupKFold, grouped by the unit named in the title,
so a unit's write-ups never straddle training and test) the model is fitted on our passages, the rulebooks and the
other folds' write-ups; an inner grouped CV over those training write-ups chooses the mismatch-warning threshold,
which is then applied to the held-out fold (``screening.category.grouped_evaluation``). Beside every figure: the
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

from screening import category  # noqa: E402
from screening.campaigns import get_campaign  # noqa: E402
from bench.cases import CASES, available, case_text  # noqa: E402

CAMPAIGN = "nrta-2025-media-convergence"
FAMILY = "media-convergence"
DRAFT_VARIANTS = ("notice", "prose", "paraphrase", "merged", "summary")
COMMAND = "nice .venv/bin/python bench/category.py"


def draft_examples(campaign) -> list[category.Example]:
    """Complete drafts (no element removed) of agreed write-ups, grouped like their source; [] without drafts.py."""
    try:
        from bench.drafts import generate
    except ImportError:
        return []
    titles = category._case_titles(CASES)
    agreed = {e.group for e in category.case_examples(FAMILY, CASES)}
    out = []
    for draft in generate(seed=0):
        group = category._unit_of(titles.get(draft.source, ""), draft.source)
        cat = campaign.category(draft.category)
        if draft.variant in DRAFT_VARIANTS and cat is not None and group in agreed and _agreed(draft.source):
            out.append(category.Example(draft.text, cat.id, f"draft:{draft.variant}", group=group))
    return out


def _agreed(file: str) -> bool:
    from bench.cases import labels

    return any(r["file"] == file and r["category"] for r in labels())


def block(title: str, scores: dict, names: dict[str, str]) -> list[str]:
    n, top1 = scores["n"], scores["top1"]
    confident, right = scores["confident"], scores["confident_correct"]
    lines = [f"### {title}", "",
             "| figure | model | majority class | TF-IDF zero-shot |", "|---|---|---|---|",
             f"| top-1 (n={n}) | **{top1:.3f}** ({round(top1 * n)}/{n}) | {scores['majority_top1']:.3f} | "
             f"{scores['zero_shot_top1']:.3f} |",
             f"| top-2 | {scores['top2']:.3f} | – | – |",
             f"| confident suggestions (would warn if declared otherwise) | {confident}/{n} | – | – |",
             f"| precision of confident suggestions (mismatch-warning precision) | **{right / (confident or 1):.3f}** "
             f"({right}/{confident}) | – | – |",
             f"| false warnings if every text were declared correctly | {confident - right}/{n} "
             f"({(confident - right) / n:.3f}) | – | – |", "",
             f"Warning thresholds chosen inside the folds: {scores['thresholds']}. Confident errors (annotators → "
             f"model, probability): {_confident_errors(scores, names) or 'none'}", "",
             "Confusion (rows: annotators, columns: model):", "",
             "| | " + " | ".join(names[c] for c in scores["classes"]) + " |", "|---" * (len(scores["classes"]) + 1) + "|"]
    lines += [f"| {names[c]} | " + " | ".join(map(str, row)) + " |" for c, row in zip(scores["classes"],
                                                                                      scores["confusion"])]
    return lines + [""]


def _confident_errors(scores: dict, names: dict[str, str]) -> str:
    rows = zip(scores["labels"], scores["predicted"], scores["confidence"], scores["row_thresholds"])
    return "; ".join(f"{names[t]} → {names[p]} ({c:.2f})" for t, p, c, th in rows if p != t and c >= th)


def per_variant(drafts: list[category.Example], scores: dict) -> list[str]:
    lines = ["| variant | n | top-1 |", "|---|---|---|"]
    for variant in DRAFT_VARIANTS:
        rows = [i for i, d in enumerate(drafts) if d.source == f"draft:{variant}"]
        if rows:
            right = sum(scores["predicted"][i] == scores["labels"][i] for i in rows)
            lines.append(f"| {variant} | {len(rows)} | {right / len(rows):.3f} |")
    return lines + [""]


def timing(campaign) -> list[str]:
    from screening.checks.base import CheckContext
    from screening.documents.model import Document

    text = "\n".join(case_text(p) for p in sorted(CASES.glob("[0-9]*.txt"))[:3])[:5000]
    doc = Document(text=text, blocks=[], sections=[], format="txt", title="基准测试材料")
    ctx = CheckContext(document=doc, campaign=campaign, material=campaign.default_material,
                       category=campaign.categories[0], options={})
    category.run(ctx)  # warm-up: model loaded, jieba initialised
    times = []
    for _ in range(5):
        t = time.perf_counter()
        category.run(ctx)
        times.append((time.perf_counter() - t) * 1000)
    return [f"- lexical model, {len(text)} characters: median **{statistics.median(times):.0f} ms**, max "
            f"{max(times):.0f} ms (5 warm runs; category step only)"]


def main() -> None:
    if not available():
        sys.exit("../shared/cases not found; nothing to measure")
    started, load = time.time(), os.getloadavg()[0]
    campaign = get_campaign(CAMPAIGN)
    names = {c.id: c.name for c in campaign.categories}
    base = category.corpus_examples(FAMILY) + category.rulebook_examples(FAMILY)
    labelled = category.case_examples(FAMILY, CASES)
    drafts = draft_examples(campaign)
    scores = category.grouped_evaluation(base, labelled, extra=drafts)
    out = ["# bench/category.py", "",
           f"Command: `{COMMAND}` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
           f"{os.cpu_count()} cores, Python {platform.python_version()}, load average at start {load:.1f} (the "
           f"machine was shared with other engineers' jobs; timings are upper bounds). Run took "
           f"{(time.time() - started) / 60:.0f} min.", "",
           f"Model: `{category.MODEL_LABEL}` (screening/category.py). Campaign {CAMPAIGN}. Labelled write-ups: "
           f"{len(labelled)} (annotators agreed; {len({e.group for e in labelled})} unit groups; classes "
           f"{dict(Counter(names[e.category] for e in labelled))}). Nested grouped {category.CV_FOLDS}-fold CV, "
           "inner 3-fold for the warning threshold; baselines computed on the same folds.", "",
           *block("Case write-ups (grouped CV by unit)", scores, names)]
    if drafts:
        extra = scores["extra"]
        out += [*block(f"Application-style drafts from bench/drafts.py (complete drafts of the held-out fold's cases; "
                       f"{len({d.group for d in drafts})} source groups)", extra, names),
                "Top-1 by draft variant:", "", *per_variant(drafts, extra)]
    else:
        out += ["bench/drafts.py not found: drafts not measured.", ""]
    out += ["## Time for one 5,000-字 material", "", *timing(campaign), ""]
    text = "\n".join(out)
    previous = ROOT / "bench" / "results" / "category.md"
    notes = previous.read_text(encoding="utf-8").split("\n## Reading", 1) if previous.exists() else []
    if len(notes) == 2:
        text += "\n## Reading" + notes[1]
    previous.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
