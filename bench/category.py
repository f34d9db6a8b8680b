"""Category suggestion on real case write-ups: accuracy and confusion against ../shared/cases/labels.csv (2025 call).

Usage: .venv/bin/python bench/category.py   (writes bench/results/category.md)

The texts are third-party write-ups with no licence: read here, never copied, never trained on. Only rows where both
annotators agreed carry a label. Also times category suggestion plus the duplicate check for a 5,000-字 material,
warm, with and without the embedding model.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.campaigns import get_campaign  # noqa: E402
from screening.category import CONFIDENT, suggest  # noqa: E402
from bench.cases import CASES, available, case_text, labels  # noqa: E402

CAMPAIGN = "nrta-2025-media-convergence"


def load_labelled() -> list[tuple[str, str, str]]:
    return [(r["file"], case_text(CASES / r["file"]), r["category"]) for r in labels() if r["category"]]


def accuracy_block(campaign, labelled, *, embedder=None) -> tuple[list[str], dict]:
    names = [c.name for c in campaign.categories]
    confusion = {t: {p: 0 for p in names} for t in names}
    correct = top2 = confident = confident_correct = 0
    for _file, text, truth in labelled:
        ranked = suggest(text, campaign, embedder=embedder)
        predicted = ranked[0]["category"]
        confusion[truth][predicted] += 1
        correct += predicted == truth
        top2 += truth in {r["category"] for r in ranked[:2]}
        if ranked[0]["probability"] >= CONFIDENT:
            confident += 1
            confident_correct += predicted == truth
    n = len(labelled)
    mode = f"with {embedder.name} (embedding head)" if embedder else "lexical (no embedding model)"
    lines = [f"### {mode}", "", f"- labelled texts (annotators agreed): {n}",
             f"- top-1 accuracy: **{correct / n:.3f}** ({correct}/{n}); top-2: {top2 / n:.3f}",
             f"- confident suggestions (p ≥ {CONFIDENT}): {confident}/{n}, of which correct "
             f"{confident_correct}/{confident or 1} ({confident_correct / (confident or 1):.3f}); "
             "only these can raise the mismatch warning", "",
             "Confusion matrix (rows: annotators, columns: model):", "",
             "| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines += [f"| {t} | " + " | ".join(str(confusion[t][p]) for p in names) + " |" for t in names]
    return lines, {"accuracy": correct / n}


def timing_block(campaign, labelled) -> list[str]:
    from screening import db
    from screening.archive import Archive
    from screening.checks.base import CheckContext
    from screening.documents.model import Document
    from screening.duplicates import run as duplicates_run
    from screening.duplicates.index import DuplicateIndex
    from screening.embeddings import get_embedder
    from screening.category import run as category_run

    text = "\n".join(t for _f, t, _c in labelled)[:5000]
    doc = Document(text=text, blocks=[], sections=[], format="txt", title="基准测试材料")
    archive = Archive(db.get_engine("sqlite://"))
    lines = []
    from screening.embeddings import STATIC_NAME

    for label, embedder in (("lexical (no embedding model)", None), ("with multilingual-e5-small", get_embedder()),
                            ("with the static embedding", get_embedder(name=STATIC_NAME))):
        if label.startswith("with") and embedder is None:
            lines.append(f"- {label}: model not built, skipped")
            continue
        index = DuplicateIndex.from_archive(archive, embedder=embedder)
        ctx = CheckContext(document=doc, campaign=campaign, material=campaign.default_material,
                           category=campaign.categories[0],
                           options={"archive": archive, "duplicates_embedder": embedder, "category_embedder": embedder,
                                    "duplicate_index": index})
        category_run(ctx), duplicates_run(ctx)  # warm-up (models loaded, the material's vector memoised)
        if embedder is not None:
            embedder._long_cache.clear()  # measure the encoding too: a new material is never in the cache
        times = []
        for _ in range(5):
            if embedder is not None:
                embedder._long_cache.clear()
            t = time.perf_counter()
            category_run(ctx)
            duplicates_run(ctx)
            times.append((time.perf_counter() - t) * 1000)
        lines.append(f"- {label}: median **{statistics.median(times):.0f} ms**, max {max(times):.0f} ms "
                     f"(category + duplicates, {len(text)} characters, 5 warm runs)")
    return lines


def main() -> None:
    if not available():
        sys.exit("../shared/cases not found; nothing to measure")
    campaign = get_campaign(CAMPAIGN)
    labelled = load_labelled()
    from screening.embeddings import MODEL_NAME, STATIC_NAME, get_embedder

    acc_lines, _ = accuracy_block(campaign, labelled)
    for name in (MODEL_NAME, STATIC_NAME):
        embedder = get_embedder(name=name)
        if embedder is not None:
            acc_lines += ["", *accuracy_block(campaign, labelled, embedder=embedder)[0]]
    time_lines = timing_block(campaign, labelled)
    out = ["# bench/category.py", "",
           f"Command: `.venv/bin/python bench/category.py` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
           f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load average at start "
           f"{os.getloadavg()[0]:.1f} (other jobs shared the machine; timings are upper bounds)", "",
           f"## Accuracy on ../shared/cases (campaign {CAMPAIGN})", "",
           "Case write-ups by third parties, not applications; labels by two annotators against the 2025 call. "
           "The model never saw these texts.", "", *acc_lines, "",
           "## Time for one 5,000-字 material (target ≤ 300 ms warm)", "", *time_lines, ""]
    (ROOT / "bench" / "results" / "category.md").write_text("\n".join(out), encoding="utf-8")
    print("\n".join(out))


if __name__ == "__main__":
    main()
