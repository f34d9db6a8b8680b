"""The review desk's cross-bureau checks over a whole call: how long ``call_flags`` takes for a national call, and
whether it finds a case one bureau copied from another's.

Usage: nice .venv/bin/python bench/review.py [--sizes 79 186 372]   (writes bench/results/review.md)

A national call receives at most 31 provinces x 12 = 372 recommendations (plus central units). Items are built in
memory (``FrozenItem``; no database, no pipeline: ``call_flags`` reads only texts, names and the frozen rows), spread
over bureaus of 12. The first items are the real write-ups of ../shared/cases (read here, never copied into the
project); beyond those, synthetic texts of dictionary words with the real texts' lengths fill the call, so the number
of pairwise comparisons is that of a full call. Into each call we plant one 20%-reworded copy of a real case per
ten real cases, sent by a different bureau under another name.

Quality on the planted copies: a planted copy counts as found when it and its source are flagged ``duplicate``
against each other; any other ``duplicate`` pair is a false alarm (the real write-ups are distinct cases, many on
the same topics). Baseline: flag pairs with the same case name, which finds none of the renamed copies. No threshold
is tuned here; the comparison and its thresholds are those of ``screening.duplicates`` (bench/results/duplicates.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reading  # noqa: E402
from bench.cases import available, case_files, case_text  # noqa: E402
from bench.duplicates import edit_words  # noqa: E402
from screening.batch import BatchRow  # noqa: E402
from screening.campaigns import get_campaign  # noqa: E402
from screening.config import load_settings  # noqa: E402
from screening.duplicates import fingerprints as fp  # noqa: E402
from screening.report import DocumentInfo, Report  # noqa: E402
from screening.review import call_flags  # noqa: E402
from screening.review.checks import SampleCache  # noqa: E402
from screening.review.store import FrozenItem, Submission  # noqa: E402

CAMPAIGN = "nrta-2025-media-convergence"
PER_BUREAU = 12
OUT = ROOT / "bench" / "results" / "review.md"


def bureau_submission(index: int) -> Submission:
    return Submission(
        id=f"s{index}",
        bureau=f"第{index}省广播电视局",
        campaign_id=CAMPAIGN,
        unit_kind="province",
        title="",
        origin="batch",
        batch_id=None,
        submitted_by="bench",
        submitted_at=dt.datetime(2025, 4, 1),
        item_count=PER_BUREAU,
    )


def item(n: int, text: str, name: str) -> FrozenItem:
    submission = bureau_submission(n // PER_BUREAU)
    row = BatchRow(
        id=f"i{n}",
        index=n % PER_BUREAU + 1,
        rank=n % PER_BUREAU + 1,
        suggested_rank=1,
        filename=f"{n}.docx",
        case_name=name,
        category="新媒体平台建设",
        verdict="revise",
        score=1.0,
    )
    return FrozenItem(
        id=f"i{n}",
        submission=submission,
        position=row.index,
        rank=row.rank,
        included=True,
        filename=row.filename,
        case_name=name,
        category=row.category,
        unit=f"单位{n}",
        verdict="revise",
        row=row,
        report=Report(document=DocumentInfo(filename=row.filename)),
        text=text,
    )


def dictionary_words() -> list[str]:
    """Words of two to four characters from jieba's whole dictionary (~300,000): fillers drawn from the cases' own
    vocabulary share so many words that distinct fillers looked reworded from each other (a first run: 5 false
    alarms, all between fillers), which measures the fillers, not the check."""
    words = []
    for line in fp._jieba().get_dict_file():
        word = line.decode("utf-8").split(" ", 1)[0]
        if 2 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fa5" for c in word):
            words.append(word)
    return words


def build_call(size: int, cases: list[str], rng: random.Random) -> tuple[list[FrozenItem], set[frozenset[str]]]:
    """``size`` items: real cases, planted copies (one per ten real cases) and synthetic fillers, shuffled over
    bureaus so a copy and its source are never in one submission."""
    vocab = sorted({w for t in cases for w in fp._jieba().lcut(t, HMM=False) if len(w) >= 2})
    fillers = dictionary_words()
    real = cases[: size - size // 11]  # room for the copies
    texts = [(t, f"案例{i}", ("real", i)) for i, t in enumerate(real)]
    for i in range(0, len(real), 10):
        texts.append((edit_words(real[i], 0.2, vocab, rng), f"改名案例{i}", ("copy", i)))
    lengths = [len(t) for t in cases]
    while len(texts) < size:
        n_words = rng.choice(lengths) // 2
        texts.append(
            ("".join(rng.choice(fillers) for _ in range(n_words)), f"填充{len(texts)}", ("filler", len(texts)))
        )
    texts = texts[:size]
    order = list(range(len(texts)))
    rng.shuffle(order)
    items = [item(slot, *texts[k][:2]) for slot, k in enumerate(order)]
    slot_of = {texts[k][2]: slot for slot, k in enumerate(order)}
    planted = set()
    for (kind, i), slot in slot_of.items():
        if kind == "copy" and ("real", i) in slot_of:
            source = slot_of[("real", i)]
            if items[slot].bureau == items[source].bureau:  # rare: move the copy's check to the truth set anyway
                continue
            planted.add(frozenset({items[slot].id, items[source].id}))
    return items, planted


def measure(size: int, cases: list[str], seed: int = 7) -> dict:
    campaign = get_campaign(CAMPAIGN, load_settings({}).campaigns_dir)
    items, planted = build_call(size, cases, random.Random(seed))
    cache = SampleCache()
    start = time.perf_counter()
    flags = call_flags(items, campaign, samples=cache)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    call_flags(items, campaign, samples=cache)  # every sample cached: what a new submission costs beyond its own
    warm = time.perf_counter() - start
    pairs = {
        frozenset({item_id, f.other["id"]}) for item_id, found in flags.items() for f in found if f.kind == "duplicate"
    }
    real_ids = {i.id for i in items if i.case_name.startswith(("案例", "改名案例"))}
    false_real = sum(1 for pair in pairs - planted if pair <= real_ids)
    same_name = {frozenset({a.id, b.id}) for a in items for b in items if a.id < b.id and a.case_name == b.case_name}
    result = {
        "size": size,
        "bureaus": len({i.bureau for i in items}),
        "pairs": size * (size - 1) // 2,
        "seconds": seconds,
        "warm": warm,
        "planted": len(planted),
        "found": len(pairs & planted),
        "false": len(pairs - planted),
        "false_real": false_real,
        "baseline_found": len(same_name & planted),
        "exhaustive": "—",
    }
    if size <= EXHAUSTIVE_UP_TO:
        result["exhaustive"] = exhaustive_agreement(items, pairs, campaign)
    return result


EXHAUSTIVE_UP_TO = 100


def exhaustive_agreement(items: list[FrozenItem], pairs: set, campaign) -> str:
    """The pairs every-pair ``cross_batch`` finds across bureaus, against those the LSH candidates gave."""
    from screening.duplicates import BatchItem, cross_batch

    batch = [BatchItem(key=i.id, text=i.text, case_name=i.case_name, unit=i.unit, category=i.category) for i in items]
    bureau = {i.id: i.bureau for i in items}
    every = {
        frozenset({m["a"], m["b"]}) for m in cross_batch(batch, campaign=campaign) if bureau[m["a"]] != bureau[m["b"]]
    }
    return f"{len(every & pairs)} of {len(every)} (LSH-only extra: {len(pairs - every)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[79, 186, 372])
    args = parser.parse_args()
    if not available():
        sys.exit("需要 ../shared/cases 中的真实案例文本。")
    cases = [case_text(p) for p in case_files()]
    load = os.getloadavg()[0]
    results = [measure(size, cases) for size in args.sizes]
    lines = [
        "# Review desk: cross-bureau checks over a whole call (bench/review.py)",
        "",
        f"- Command: `nice .venv/bin/python bench/review.py --sizes {' '.join(map(str, args.sizes))}`",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.system()} {platform.release()}, {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average at start {load:.2f} — the machine was shared with other jobs, "
        "so times are upper bounds",
        f"- Data: {len(cases)} real write-ups from ../shared/cases, one planted 20%-reworded, renamed copy per ten real "
        "cases (another bureau), synthetic dictionary-word fillers to reach the size; 12 items per bureau",
        "",
        "| items | bureaus | possible pairs | call_flags, cold | warm (samples cached) | planted copies | found | false alarms (between real cases) | baseline (same name) found | every-pair cross_batch pairs also found |",  # noqa: E501
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']} | {r['bureaus']} | {r['pairs']} | {r['seconds']:.1f} s | {r['warm']:.1f} s | "
            f"{r['planted']} | {r['found']} | {r['false']} ({r['false_real']}) | {r['baseline_found']} | "
            f"{r['exhaustive']} |"
        )
    reading.write(OUT, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
