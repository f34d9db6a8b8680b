"""Near-duplicate detection: precision and recall on constructed pairs, and query time at 10,000 / 100,000 records.

Usage: .venv/bin/python bench/duplicates.py [--embeddings] [--skip-scale]   (writes bench/results/duplicates.md)

Quality. The 75 real write-ups in ../shared/cases are the originals (read here, never copied into the project).
From each we construct queries: word-level edits of 5%, 20% and 40% (replace, delete, insert), paragraph reordering,
a title change (new case name, same text), and partial reuse (40% of its paragraphs plus paragraphs of another case).
Each query runs the real path (index candidates, then ``compare``) against an index of all originals. A hit on the
source (or, for partial reuse, on either source) is a true positive; any other hit is a false positive. The originals
are also queried against each other as negatives (distinct cases, many on the same topics).

Scale. Synthetic records (random words from jieba's dictionary, ~700 characters, 3,000 units) fill the index; the
time of a query's index lookup is measured apart from the material's own feature extraction, which does not depend
on the archive size.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.archive import Record  # noqa: E402
from screening.duplicates import Sample, compare  # noqa: E402
from screening.duplicates import fingerprints as fp  # noqa: E402
from screening.duplicates.index import DuplicateIndex, Fingerprint  # noqa: E402

CASES = ROOT.parent / "shared" / "cases"
EDIT_RATES = (0.05, 0.20, 0.40)


def load_cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CASES.glob("[0-9]*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
        out.append((path.name, "\n".join(lines)))
    return out


def edit_words(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    words = fp._jieba().lcut(text, HMM=False)
    out = []
    for w in words:
        if w.strip() and rng.random() < rate:
            action = rng.random()
            if action < 0.5:
                out.append(rng.choice(vocab))
            elif action < 0.75:
                continue
            else:
                out += [w, rng.choice(vocab)]
        else:
            out.append(w)
    return "".join(out)


def build_queries(cases, rng) -> list[tuple[str, str, str, set[int]]]:
    """(label, text, name, acceptable source ids)."""
    vocab = sorted({w for _n, t in cases for w in fp._jieba().lcut(t, HMM=False) if len(w) >= 2})
    queries = []
    for i, (_name, text) in enumerate(cases):
        paragraphs = text.split("\n")
        for rate in EDIT_RATES:
            queries.append((f"edit {rate:.0%}", edit_words(text, rate, vocab, rng), "", {i}))
        shuffled = paragraphs[:]
        while len(shuffled) > 1 and shuffled == paragraphs:
            rng.shuffle(shuffled)
        queries.append(("reordered", "\n".join(shuffled), "", {i}))
        queries.append(("title change", text, f"新标题案例{i}", {i}))
        j = rng.choice([k for k in range(len(cases)) if k != i])
        keep = rng.sample(paragraphs, max(1, int(len(paragraphs) * 0.4)))
        other = cases[j][1].split("\n")
        mixed = keep + other[: max(1, len(other) // 2)]
        rng.shuffle(mixed)
        queries.append(("partial reuse 40%", "\n".join(mixed), "", {i, j}))
    return queries


def quality(cases, *, embedder) -> list[str]:
    rng = random.Random(20261122)
    queries = build_queries(cases, rng)
    index = DuplicateIndex(embedder=embedder)
    samples = []
    for i, (name, text) in enumerate(cases):
        sample = Sample.of(text, name=name, unit=f"单位{i}", embedder=embedder)
        samples.append(sample)
        index._add(Record(id=i, kind="selection", year=2024, campaign="基准", case_name=name, unit=f"单位{i}"),
                   Fingerprint.of(sample))
    by_label: dict[str, list[int]] = {}
    tp = fp_count = positives = 0
    kinds: dict[str, dict[str, int]] = {}
    for label, text, name, sources in queries:
        sample = Sample.of(text, name=name, unit="查询单位", embedder=embedder)
        hits = {}
        for rid in index.candidates(sample):
            c = compare(sample, samples[rid])
            if c.kind:
                hits[rid] = c.kind
        found = bool(hits.keys() & sources)
        positives += 1
        tp += found
        fp_count += len(hits.keys() - sources)
        by_label.setdefault(label, []).append(found)
        for rid in hits.keys() & sources:
            kinds.setdefault(label, {}).setdefault(hits[rid], 0)
            kinds[label][hits[rid]] += 1
    negatives = neg_fp = 0
    for i, sample in enumerate(samples):  # originals against each other: distinct cases
        for rid in index.candidates(sample) - {i}:
            neg_fp += compare(sample, samples[rid]).kind is not None
        negatives += len(samples) - 1
    total_fp = fp_count + neg_fp
    precision = tp / (tp + total_fp) if tp + total_fp else 1.0
    recall = tp / positives
    mode = f"with {embedder.name}" if embedder else "lexical (no embedding model)"
    lines = [f"### {mode}", "",
             f"- queries: {positives} constructed from {len(cases)} originals; distinct-case pairs checked: "
             f"{negatives // 2}",
             f"- **precision {precision:.3f}, recall {recall:.3f}** (true positives {tp}, false positives "
             f"{total_fp}: {fp_count} on constructed queries, {neg_fp} between distinct originals)", "",
             "| construction | recall | kinds found |", "|---|---|---|"]
    for label, found in by_label.items():
        lines.append(f"| {label} | {sum(found) / len(found):.3f} ({sum(found)}/{len(found)}) | "
                     f"{', '.join(f'{k} {v}' for k, v in sorted(kinds.get(label, {}).items()))} |")
    return lines + [""]


def synthetic_index(n: int, rng: np.random.Generator, vocab: list[str]) -> tuple[DuplicateIndex, float, dict]:
    index = DuplicateIndex()
    texts = {}
    units = [f"第{u}号县融媒体中心" for u in range(3000)]
    start = time.perf_counter()
    for rid in range(n):
        fpr = None
        if rid % 2 == 0:  # half with text; the other half names only, as most earlier selections are
            words = [vocab[k] for k in rng.integers(0, len(vocab), 300)]
            texts[rid] = "".join(words)
            fpr = Fingerprint(fp.minhash(fp.shingle_hashes(texts[rid])), fp.minhash(fp.word_hashes(set(words))))
        index._add(Record(id=rid, kind="selection", year=2024, campaign="合成", case_name=f"合成案例{rid}",
                          unit=units[rid % len(units)]), fpr)
    return index, time.perf_counter() - start, texts


def check_time(index, texts, query, fingerprint) -> float:
    """Index lookup plus the exact comparison with every candidate, as ``duplicates.run`` does (texts from memory
    here instead of the database)."""
    t = time.perf_counter()
    for rid in index.candidates(query, fingerprint=fingerprint):
        record = index.records[rid]
        compare(query, Sample.of(texts.get(rid, ""), name=record.case_name, unit=record.unit))
    return (time.perf_counter() - t) * 1000


def scale(cases, sizes) -> list[str]:
    import jieba

    jieba.initialize()
    vocab = [w for w, f in sorted(jieba.dt.FREQ.items(), key=lambda x: -x[1]) if f and len(w) >= 2][:30000]
    rng = np.random.default_rng(7)
    queries = [Sample.of(t[:5000], name=n, unit="第17号县融媒体中心") for n, t in cases[:40]]
    fingerprints = [Fingerprint.of(q) for q in queries]
    lines = ["| records | build | lookup per query: median / p95 / max | candidates (mean) | lookup + compare: "
             "median / p95 | peak RSS |", "|---|---|---|---|---|---|"]
    for n in sizes:
        index, build, texts = synthetic_index(n, rng, vocab)
        times, counts = [], []
        for q, f in list(zip(queries, fingerprints)) * 3:
            t = time.perf_counter()
            counts.append(len(index.candidates(q, fingerprint=f)))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        full = sorted(check_time(index, texts, q, f) for q, f in zip(queries, fingerprints))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines.append(f"| {n:,} | {build:.0f} s | **{statistics.median(times):.2f}** / {times[int(len(times) * .95)]:.2f}"
                     f" / {times[-1]:.2f} ms | {statistics.mean(counts):.1f} | {statistics.median(full):.1f} / "
                     f"{full[int(len(full) * .95)]:.1f} ms | {rss:.0f} MB |")
        del index, texts
    t = time.perf_counter()
    for _n, text in cases[:20]:
        Fingerprint.of(Sample.of(text[:5000]))
    extract = (time.perf_counter() - t) / 20 * 1000
    lines += ["", f"Feature extraction of the material itself (5-grams, jieba words, two MinHashes; independent of "
              f"archive size): {extract:.1f} ms per material of up to 5,000 characters.",
              "Build time is fingerprinting from scratch; a restart loads the stored signatures instead.",
              "Half the synthetic records have text (~700 characters of random dictionary words, found through LSH); "
              "the other half are names only (found through the unit index: 3,000 units named 第N号县融媒体中心, "
              "deliberately alike)."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embeddings", action="store_true", help="also run the quality test with the e5 model")
    parser.add_argument("--static", action="store_true", help="also run it with the distilled static embedding")
    parser.add_argument("--embedded-cases", type=int, default=25,
                        help="originals used with an embedding model (encoding all 75 x 7 texts with e5 takes long)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not CASES.exists():
        sys.exit("../shared/cases not found; nothing to measure")
    cases = load_cases()
    out = ["# bench/duplicates.py", "",
           f"Command: `.venv/bin/python bench/duplicates.py {' '.join(sys.argv[1:])}` — "
           f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, {os.cpu_count()} cores, "
           f"Python {platform.python_version()}, load average at start {os.getloadavg()[0]:.1f} (other jobs shared the "
           "machine; timings are upper bounds)", "", "## Precision and recall (target ≥ 0.95 / ≥ 0.95)", ""]
    if not args.skip_quality:
        out += quality(cases, embedder=None)
    from screening.embeddings import MODEL_NAME, STATIC_NAME, get_embedder

    for wanted, name in ((args.embeddings, MODEL_NAME), (args.static, STATIC_NAME)):
        if wanted:
            embedder = get_embedder(name=name)
            subset = cases[: args.embedded_cases]
            out += quality(subset, embedder=embedder) if embedder else [f"({name} not built)", ""]
    if not args.skip_scale:
        out += ["## Query time against a large archive (target ≤ 20 ms per query at 100,000)", ""]
        out += scale(cases, (10_000, 100_000))
    (ROOT / "bench" / "results" / "duplicates.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out))


if __name__ == "__main__":
    main()
