"""HTTP benchmark: the first screen after start-up, self-check latency over an empty and a populated archive, a
100-material batch, and the server's memory.

    .venv/bin/python bench/api.py                                   # served configuration, empty + 10,000 records
    .venv/bin/python bench/api.py --archives empty --requests 10    # quicker
    .venv/bin/python bench/api.py --modes lexical model             # also a server without the model folder

What it does, per (mode, archive), against a real server (``uvicorn api.app:app`` in a subprocess, SQLite in a
temporary folder):

1. starts the server and polls ``/api/health`` until it answers 200: while the start-up warm-up runs it answers 503
   "warming" (api.warmup), so "healthy" means warm, as a load balancer sees it;
2. times the first ``POST /api/screen`` of a 5000字 DOCX after that, then nine more: **first / median of the next
   nine** is the cold-start ratio (target ≤ 2). The ten are one write-up in ten paragraph orders (``docx_of``'s
   ``variant``: other text, so no cache answers), so the ratio is the cold cost, not the first write-up's weight;
3. times ``--requests`` further uploads: p50, p95, max; the populated archive's p50 and p95 are divided by the
   empty archive's (target ≤ 1.5). Both servers are up by then, and the uploads alternate between them (the i-th
   to each back to back, the order swapped every round: ``run_mode``), so both see the same machine load;
4. posts one batch of ``--batch`` DOCX materials and polls ``GET /api/batches/{id}`` until done;
5. samples the server's RSS (with its child processes, e.g. the isolated PDF parser) every 0.2 s: after warm-up
   and peak (target ≤ 1.2 GB with every model loaded).

The populated archive: ``--records`` (10,000) archived selections with full text, written before the server starts,
with their duplicate fingerprints and word features stored as ``screening archive import`` + a first start would
leave them. It has to cost what 10,000 real selections of our field would: the duplicate check reads and compares
every candidate the index returns, and how many come back depends on how alike the records and the material are.

- **Two halves of the real write-ups** (``split_cases``, grouped by unit so one unit's write-ups, which share its
  names and boilerplate, stay on one side). Half A gives the materials, and is archived as itself: every material
  finds its own earlier version, so the duplicate check does its full work (candidates, exact comparison, a
  finding), not a lookup that finds nothing. Half B is never archived and never sent; only its word statistics
  make the synthetic records, so no material's own words leak into them.
- **Synthetic records** (``WriteupModel.record``): the length of a B write-up clipped to 1,500-5,000 characters;
  tokens (jieba, stock dictionary, clause by clause as the duplicates fingerprints cut them) drawn from a mixture of
  ``MIXTURE`` = 2 random B write-ups (Dirichlet shares, concentration 1, each drawn *without* replacement from its
  own tokens) and ``POOLED`` = 10 % from all of B's tokens pooled; figures other than years re-drawn; shuffled, cut
  into clauses of B's lengths. They are fingerprinted from the tokens they were drawn from, without jieba
  (``synthetic_sample``: segmenting 10,000 texts would take 5-25 minutes). The duplicates check is lexical
  (``embeddings.POLICY["duplicates"]`` is None), so records carry no vector, as an import stores them; were it
  given a model, the build would encode each record with it (or stop, if the model is not built).
- **Calibrated on similarity, never on latency** (``calibration``, printed into bench/results/api.md): the materials
  against the records beside the materials against B's real write-ups, word Jaccard (median, p75, p90, p99, max,
  share of pairs over 0.15 / 0.2 / 0.25) and candidates per material by stage of ``DuplicateIndex`` (5-gram LSH,
  word LSH before and after its MinHash check, rare keywords, vectors, their union, and what ``candidates`` returns
  of it to be read and compared). The recipe was chosen on a grid (MIXTURE 1-6, POOLED 0-0.4, concentration 0.2-1,
  drawn with and without replacement; 300 records each, a script in /tmp, not kept) by the summed distance of the
  Jaccard quantiles (p50, p75, p90, p95, p99) and of the share over 0.2 from the real ones. Drawing with replacement
  lost a write-up's rare words (a record had ~370-600 distinct words for B's ~590) and thinned the tail that makes
  candidates (share over 0.2: 0.6-1.3 % against 2.0 % real); without replacement, MIXTURE 2 with POOLED 0 or 0.1
  came closest (p50 0.130-0.131 against 0.127, p90 0.171-0.172 against 0.171, p99 0.207-0.209 against 0.212, over
  0.2: 1.7-2.0 % against 2.0 %). POOLED 0.1 rather than 0: the two are within the grid's noise of each other (summed
  distance 0.015 against 0.011 on 300 records), and a pooled share gives each record some of the field's common
  wording beyond its two sources. The old records (random words of jieba's 30,000 most frequent) shared a median
  word Jaccard of 0.008 with a material and came back as candidates at 0.18 %, against 4.3 % for real distinct
  write-ups: they measured an archive unrelated to the materials.

The server's start-up warm-up prepares the archive's form-blanked candidates (``DuplicateIndex.prepare_forms``;
the synthetic records share no sentences, so few) before health says ok, and that time is in "healthy after". The
database is built once per recipe (``DB_VERSION``, the parameters, both halves' texts, the schema, the features
version and the screening/duplicates source: ~1.5 minutes) into the system's temporary folder with its calibration
table beside it, and copied for each run.

Materials: half A of the real case write-ups in ../shared/cases (read only, never copied into the repo), each cut or
repeated to about 5,000 characters and written as a DOCX with python-docx; without them, generated filler text.
Results go to bench/results/api.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.md"
CAMPAIGN = "nrta-2025-media-convergence"
KEY = "bench-key"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TARGET_CHARS = 5000
FIRST_AND_NEXT = 10  # the first screen after healthy, then nine more
DB_VERSION = "5"  # bump when the populated database's recipe changes
MATERIALS = "real case write-ups of half A of ../shared/cases (`split_cases`; without their # headers)"

sys.path.insert(0, str(ROOT))

from bench.cases import available, case_files, case_text  # noqa: E402

# --- the materials: one half of the real write-ups --------------------------------------------------------------


def split_cases() -> tuple[list[str], list[str]]:
    """(A, B): the real write-ups in two halves, grouped by unit so no unit's write-ups (which share its names,
    products and boilerplate) fall in both. A gives the materials (and is archived as itself); B gives only the word
    statistics of the synthetic records (``WriteupModel``), so no material's own words leak into them.

    The group is index.csv's ``same_unit_as_selected_cases``, else the unit before the title's colon
    (``category_training.unit_of``, as bench/category.py groups); groups are shuffled (seed ``SPLIT_SEED``) and
    dealt, largest first, to the smaller half. Without ../shared/cases: generated filler on both sides."""
    if not available():
        from tests.factories import chinese_text

        return ["\n".join(chinese_text(TARGET_CHARS, paragraph_chars=300))], ["\n".join(chinese_text(3000))]
    import csv

    from bench.cases import CASES
    from screening.category_training import unit_of

    with (CASES / "index.csv").open(encoding="utf-8") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    groups: dict[str, list[str]] = {}
    for path in case_files():
        text = case_text(path)
        if len(text) > 500:
            row = rows.get(path.name, {})
            group = row.get("same_unit_as_selected_cases") or unit_of(row.get("title", ""), path.name)
            groups.setdefault(group, []).append(text)
    keys = sorted(groups)
    random.Random(SPLIT_SEED).shuffle(keys)
    a: list[str] = []
    b: list[str] = []
    for key in sorted(keys, key=lambda k: -len(groups[k])):  # stable: equal sizes keep the shuffled order
        (a if len(a) <= len(b) else b).extend(groups[key])
    return a, b


def material_paragraphs(text: str, *, variant: int = 0) -> list[str]:
    """The paragraphs of the material made of ``text`` (title first): its paragraphs from the ``variant``-th on,
    repeated when short, cut at ``TARGET_CHARS``; ``variant`` invisible word joiners (U+2060) after each sentence's
    closing mark (``docx_of`` says why)."""
    mark = "\u2060" * variant
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if mark:
        paragraphs = [re.sub(r"([。！？；])", lambda m: m.group() + mark, p) for p in paragraphs]
    out, total, i = [f"{paragraphs[0][:40]}（{variant}）"], 0, 0
    while total < TARGET_CHARS:
        paragraph = paragraphs[(i + variant) % len(paragraphs)][: TARGET_CHARS - total]
        out.append(paragraph)
        total += len(paragraph)
        i += 1
    return out


def docx_of(text: str, *, variant: int = 0) -> bytes:
    """A DOCX of about 5,000 characters (``material_paragraphs``; the first is the title).

    A ``variant`` starts the paragraphs elsewhere and puts ``variant`` invisible word joiners after each sentence:
    the duplicate check memoises the segmentation of each clause, and without them the first ten (one write-up in
    ten orders) would find the first one's clauses already cut; the joiners change no word, no sentence key and no
    shingle (they are dropped with punctuation), only the memo's key."""
    import docx

    title, *paragraphs = material_paragraphs(text, variant=variant)
    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the populated archive ------------------------------------------------------------------------------------

SPLIT_SEED = 15
# The synthetic records' recipe (``WriteupModel.record``), chosen on word Jaccard against the materials, never on
# latency (the calibration table in bench/results/api.md; grid in the module docstring).
MIXTURE = 2  # B write-ups a record is drawn from
CONCENTRATION = 1.0  # Dirichlet concentration of their shares: 1.0 is uniform over the splits
POOLED = 0.1  # share of a record's characters drawn from all of B's tokens pooled
MIN_CLAUSE = 4  # tokens: shorter drawn clauses would be "sentences" many records share, which a form is made of
_YEAR = re.compile(r"(19|20)\d\d")


class WriteupModel:
    """Word statistics of real write-ups (half B), and synthetic records drawn from them.

    A write-up's tokens are jieba's over each normalised clause with the stock dictionary, as the duplicates
    fingerprints cut them (``fingerprints.clause_words``), but single characters kept: they are not features,
    yet they fill the text to a real write-up's length."""

    def __init__(self, texts: list[str]) -> None:
        from screening.duplicates import fingerprints as fp

        cut = fp._jieba()
        clauses = [
            [cut.lcut(key, HMM=False) for key in (fp.normalise(m.group()) for m in fp._CLAUSE.finditer(t)) if key]
            for t in texts
        ]
        self.tokens = [[w for clause in cl for w in clause] for cl in clauses]
        self.pooled = [w for tokens in self.tokens for w in tokens]
        self.clause_lengths = [len(clause) for cl in clauses for clause in cl]
        self.lengths = [len(t) for t in texts]
        # raw characters per normalised one (punctuation, spaces): a record's tokens fill this much less
        self.raw_per_token_char = sum(self.lengths) / max(1, sum(len("".join(t)) for t in self.tokens))

    def record(self, rng: np.random.Generator) -> tuple[str, list[str]]:
        """(text, its tokens): the length of a B write-up (clipped to 1,500-5,000 characters); ``MIXTURE`` B
        write-ups with Dirichlet shares of ``1 - POOLED``, each drawn *without* replacement (a shuffled part of its
        own tokens, so a share near 1 keeps its vocabulary as the write-up has it), and ``POOLED`` of the length
        from the pooled tokens with replacement. Figures other than years are re-drawn with as many digits: two
        projects rarely share exact figures, and B's would otherwise recur in hundreds of records. Clause lengths
        are B's (at least ``MIN_CLAUSE`` tokens), a paragraph every 3-8 clauses."""
        budget = int(np.clip(self.lengths[rng.integers(len(self.lengths))], 1500, 5000)) / self.raw_per_token_char
        k = min(MIXTURE, len(self.tokens))
        sources = rng.choice(len(self.tokens), k, replace=False)
        shares = np.append(rng.dirichlet([CONCENTRATION] * k) * (1 - POOLED), POOLED)
        tokens: list[str] = []
        for part, share in enumerate(shares):
            if part < k:
                own = self.tokens[sources[part]]
                drawn = (own[j] for j in rng.permutation(len(own)))
            else:
                drawn = (self.pooled[j] for j in rng.integers(0, len(self.pooled), int(share * budget) + 1))
            n = 0.0
            for token in drawn:
                if n >= share * budget:
                    break
                tokens.append(self._redrawn(token, rng))
                n += len(token)
        order = rng.permutation(len(tokens))
        tokens = [tokens[j] for j in order]
        return self._text(tokens, rng), tokens

    @staticmethod
    def _redrawn(token: str, rng: np.random.Generator) -> str:
        if len(token) < 2 or not token.isdigit() or not token.isascii() or _YEAR.fullmatch(token):
            return token
        return str(rng.integers(1, 10)) + "".join(map(str, rng.integers(0, 10, len(token) - 1)))

    def _text(self, tokens: list[str], rng: np.random.Generator) -> str:
        paragraphs, sentences, at = [], [], 0
        while at < len(tokens):
            n = max(MIN_CLAUSE, self.clause_lengths[rng.integers(len(self.clause_lengths))])
            sentences.append("".join(tokens[at : at + n]) + "。")
            at += n
            if len(sentences) >= rng.integers(3, 9):
                paragraphs.append("".join(sentences))
                sentences = []
        return "\n".join(paragraphs + ["".join(sentences)]).strip()


def populated_database(records: int, materials: list[str], writeups: list[str]) -> tuple[Path, list[str]]:
    """A SQLite file with ``records`` archived selections with full text and stored fingerprints (built once), and
    the calibration table (``calibration``) computed when it was built, kept beside it. Rebuilt (~1.5 minutes)
    whenever the screening/duplicates code changes: the table counts what that code's index returns, and the stored
    fingerprints must be what that code stores."""
    from screening.duplicates.index import features_version  # stored features of another version are migrated

    recipe = [DB_VERSION, str(records), SPLIT_SEED, MIXTURE, CONCENTRATION, POOLED, MIN_CLAUSE]
    code = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "screening" / "duplicates").glob("*.py")))
    key = [*map(str, recipe), *materials, "\0", *writeups, schema(), features_version(), str(duplicates_model()), code]
    digest = hashlib.sha1("|".join(key).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"screening-bench-archive-{records}-{digest}.db"
    table = path.with_suffix(".calibration.md")
    if path.exists() and table.exists():
        return path, table.read_text(encoding="utf-8").splitlines()
    building = Path(tempfile.mkdtemp(prefix="screening-bench-archive-")) / "archive.db"
    started = time.perf_counter()
    synthetic = _fill(f"sqlite:///{building}", records, materials, writeups)
    with sqlite3.connect(building) as connection:  # fold the write-ahead log into the file before moving it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    built = time.perf_counter() - started
    print(f"populated archive: {records} records written in {built:.0f} s; calibrating", flush=True)
    lines = calibration(materials, writeups, synthetic)
    lines += ["", f"Database built in {built:.0f} s ({platform.machine()}, load {os.getloadavg()[0]:.1f})."]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.move(building, path)
    shutil.rmtree(building.parent, ignore_errors=True)
    print(f"-> {path}", flush=True)
    return path, lines


def duplicates_model() -> str | None:
    """The embedding model the served duplicates check uses (``embeddings.POLICY``), or None: lexical only."""
    from screening.embeddings import POLICY

    return POLICY["duplicates"]


def schema() -> str:
    """The database tables and columns and the duplicate sample's fields: a new kind of stored fingerprint changes
    it, and the populated database is rebuilt rather than re-fingerprinted by the server at start-up."""
    import dataclasses

    from screening import db
    from screening.duplicates import index  # noqa: F401  (registers the fingerprint tables)
    from screening.duplicates.compare import Sample

    tables = sorted((t.name, tuple(sorted(c.name for c in t.columns))) for t in db.Base.metadata.tables.values())
    return repr((tables, [f.name for f in dataclasses.fields(Sample)]))


def _fill(url: str, records: int, materials: list[str], writeups: list[str]) -> list:
    """Write the archive: the materials' own write-ups first (fingerprinted the normal way), then synthetic records
    up to ``records`` (``WriteupModel``; fingerprinted from the tokens they were drawn from). Returns the synthetic
    records' fingerprints, for ``calibration``."""
    from screening import db
    from screening.archive import Archive
    from screening.duplicates.compare import Sample
    from screening.duplicates.index import DuplicateIndex, Fingerprint
    from screening.embeddings import embedder_for

    embedder = embedder_for("duplicates")  # None while the duplicates check is lexical (POLICY)
    if duplicates_model() is not None and embedder is None:
        sys.exit(f"the duplicates check uses {duplicates_model()}, which is not built: the records need its vectors")
    archive = Archive(db.get_engine(url))
    index = DuplicateIndex(archive=archive, embedder=embedder)
    model = WriteupModel(writeups)
    rng = np.random.default_rng(15)
    synthetic = []
    for start in range(0, records, 500):
        rows, fingerprints = [], []
        for rid in range(start, min(start + 500, records)):
            if rid < len(materials):
                text, name, source = materials[rid], f"往届真实案例{rid}", "bench/api.py 真实案例（材料的早先版本）"
                fingerprint = Fingerprint.of(Sample.of(text, embedder=embedder))
            else:
                text, tokens = model.record(rng)
                name, source = f"往届合成案例{rid}", "bench/api.py 合成"
                vector = embedder.encode_long(text) if embedder is not None else None
                fingerprint = Fingerprint.of(synthetic_sample(Sample, text, tokens, vector=vector))
                synthetic.append(fingerprint)
            rows.append(
                {
                    "kind": "selection",
                    "year": 2020 + rid % 5,
                    "campaign": "合成的往届征集",
                    "category": "融合生产传播",
                    "case_name": name,
                    "unit": f"第{rid % 3000}号县融媒体中心",
                    "province": "",
                    "text": text,
                    "source": source,
                }
            )
            fingerprints.append((fingerprint, len(text)))
        added = archive.add(rows)
        with db.session_scope(archive.engine) as session:
            for record, (fingerprint, n_chars) in zip(added, fingerprints):
                index._store(record.id, fingerprint, n_chars, session)
        print(f"populated archive: {min(start + 500, records)}/{records}", flush=True)
    archive.engine.dispose()
    return synthetic


def synthetic_sample(sample_class, text: str, tokens: list[str], *, vector=None):
    """``Sample.of(text)`` without jieba: the words (two characters or more, as ``clause_words`` keeps) are the
    tokens the text was drawn from. Every other field is computed by the duplicates package's own functions, so the
    stored fingerprint has whatever the current code stores (``Fingerprint.of``, ``DuplicateIndex._store``)."""
    from collections import Counter

    from screening.duplicates import fingerprints as fp
    from screening.duplicates import rarewords

    counts = Counter(w for w in tokens if len(w) >= 2)
    hashes, occurrences = fp.hashed_counts(counts)
    return sample_class.stored(text, hashes, rarewords.weighted_words(set(counts)), counts=occurrences, vector=vector)


# --- calibration: the synthetic records against real write-ups ------------------------------------------------

STAGES = ("5-gram LSH", "word LSH (before the MinHash check)", "word LSH", "rare keywords", "vectors")
LOOKUP = "any stage (the lookup)"
READ = "returned by `candidates`: read and compared"


def calibration(materials: list[str], writeups: list[str], synthetic: list) -> list[str]:
    """The materials (A, as sent: ``material_paragraphs``) against the synthetic records, beside the same figures
    against B's real write-ups: word Jaccard (exact word sets) and the candidates ``DuplicateIndex`` returns per
    material, by stage, as bench/duplicates.py's ``candidate_cost`` counts them. What makes the populated archive
    cost what a real one would: how many records come back as candidates and are read and compared."""
    from screening.duplicates.compare import Sample
    from screening.duplicates.index import KEYWORD_CANDIDATES, Fingerprint
    from screening.embeddings import embedder_for

    embedder = embedder_for("duplicates")
    queries = [Sample.of("\n".join(material_paragraphs(t)), embedder=embedder) for t in materials]
    real = [Fingerprint.of(Sample.of(t, embedder=embedder)) for t in writeups]
    against = {"real": real, "synthetic": synthetic}
    jaccards = {side: _jaccards(queries, fingerprints) for side, fingerprints in against.items()}
    stages = {side: _stage_counts(queries, fingerprints, embedder) for side, fingerprints in against.items()}
    n = 10_000

    def q(values: np.ndarray, f: float) -> str:
        return f"{np.quantile(values, f):.3f}"

    def per(side: str, stage: str) -> str:
        counts, size = stages[side][stage], len(against[side])
        if counts is None:
            return "— (no vectors: the check is lexical)" if stage == "vectors" else "— (stage not measured)"
        mean = statistics.mean(counts)
        if stage == LOOKUP and side == "real":
            scaled = _extrapolated(stages[side], size, n, KEYWORD_CANDIDATES)
        elif stage == READ and side == "real":  # the lookup's extrapolation, times the share of it kept among B
            kept = sum(counts) / max(1, sum(stages[side][LOOKUP]))
            scaled = _extrapolated(stages[side], size, n, KEYWORD_CANDIDATES) * kept
        elif stage == "rare keywords":
            scaled = min(mean / size * n, KEYWORD_CANDIDATES)
        else:
            scaled = mean / size * n
        return f"{mean:.1f} of {size:,} ({mean / size:.2%}) → ~{scaled:.0f} per {n:,}"

    lines = [
        f"Materials: {len(materials)} write-ups of half A (as sent, ~{TARGET_CHARS} characters); real: the "
        f"{len(writeups)} write-ups of half B; synthetic: the {len(synthetic):,} records drawn from B "
        f"(MIXTURE {MIXTURE}, CONCENTRATION {CONCENTRATION}, POOLED {POOLED}). Word sets as the duplicates check cuts "
        "them (jieba, stock dictionary, words of two characters or more); candidates through a `DuplicateIndex` "
        "holding only that side's records (the materials' own archived versions left out). \"per 10,000\": the "
        f"share times 10,000; rare keywords at most {KEYWORD_CANDIDATES}; the real lookup extrapolated as "
        "bench/duplicates.py does (LSH shares times 10,000, plus the keywords'), and what `candidates` returns of "
        "it (read and compared) as that times the share of B's lookups it keeps (the whole lookup, where "
        "`candidates` filters nothing).",
        "",
        "| per material | real: A × B write-ups | synthetic: A × records |",
        "|---|---|---|",
        f"| pairs | {len(jaccards['real']):,} | {len(jaccards['synthetic']):,} |",
        "| word Jaccard median / p75 / p90 / p99 / max | "
        + " | ".join(
            " / ".join(q(jaccards[s], f) for f in (0.5, 0.75, 0.9, 0.99)) + f" / {jaccards[s].max():.3f}"
            for s in against
        )
        + " |",
    ]
    for cut in (0.15, 0.2, 0.25):
        shares = " | ".join(f"{np.mean(jaccards[s] >= cut):.2%}" for s in against)
        lines.append(f"| pairs with word Jaccard ≥ {cut} | {shares} |")
    for stage in (*STAGES, LOOKUP, READ):
        lines.append(f"| candidates: {stage} | {per('real', stage)} | {per('synthetic', stage)} |")
    lines += ["", *_spread(stages, {s: len(f) for s, f in against.items()}, n, KEYWORD_CANDIDATES)]
    return lines


def _spread(stages: dict, sizes: dict, n: int, cap: int) -> list[str]:
    """Candidates per material scaled to ``n`` records, material by material: the mean hides that a few materials
    (the most generic) bring most of them, and those make the latency's tail."""
    real = stages["real"]
    scaled = {
        "real (extrapolated)": [
            (w + c) / sizes["real"] * n + min(k / sizes["real"] * n, cap)
            for w, c, k in zip(real["word LSH"], real["5-gram LSH"], real["rare keywords"])
        ],
        "synthetic (measured)": [u / sizes["synthetic"] * n for u in stages["synthetic"][LOOKUP]],
        "synthetic, returned by `candidates`": [u / sizes["synthetic"] * n for u in stages["synthetic"][READ]],
    }
    cells = [
        f"{side}: min {min(v):.0f}, median {statistics.median(v):.0f}, p90 {np.quantile(v, 0.9):.0f}, max {max(v):.0f}"
        for side, v in scaled.items()
    ]
    return [
        f"Candidates per material per {n:,} records, material by material (the lookup, unless said; the "
        f"material's own earlier version comes on top): {'; '.join(cells)}."
    ]


def _extrapolated(stages: dict, size: int, n: int, cap: int) -> float:
    lsh = (statistics.mean(stages["word LSH"]) + statistics.mean(stages["5-gram LSH"])) / size * n
    return lsh + min(statistics.mean(stages["rare keywords"]) / size * n, cap)


def _jaccards(queries: list, fingerprints: list) -> np.ndarray:
    """Exact word Jaccard of every (material, record) pair, from the word hashes (``Sample.words``)."""
    from screening.duplicates import fingerprints as fp

    return np.array([fp.jaccard(q.words, f.word_hashes) for q in queries for f in fingerprints])


def _stage_counts(queries: list, fingerprints: list, embedder) -> dict[str, list[int] | None]:
    """Candidates per material by stage, the materials queried against an in-memory index of ``fingerprints``; a
    stage is None where it was not measured (no vectors, or a private stage a later index renamed)."""
    from screening.archive import Record
    from screening.duplicates.index import DuplicateIndex

    index = DuplicateIndex(embedder=embedder)
    for rid, fingerprint in enumerate(fingerprints):
        index._add(Record(id=rid, kind="selection", year=2024, campaign="校准", case_name=f"校准{rid}"), fingerprint)
    per_query = [_stages(index, sample) for sample in queries]
    return {
        stage: None if any(q[stage] is None for q in per_query) else [q[stage] for q in per_query]
        for stage in (*STAGES, LOOKUP, READ)
    }


def _stages(index, sample) -> dict[str, int | None]:
    """What each stage of ``index.candidates`` returns for ``sample`` (bench/duplicates.py's ``candidate_cost``)."""
    from screening.duplicates.index import Fingerprint

    fpr = Fingerprint.of(sample)
    chars, words = index._lsh()
    hits = list(words.query(fpr.words))
    finds = {
        "5-gram LSH": lambda: chars.query(fpr.chars),
        "word LSH (before the MinHash check)": lambda: hits,
        "word LSH": lambda: index._close_words(hits, fpr.words),
        "rare keywords": lambda: index._sharing_keywords(sample.keywords),
        "vectors": lambda: index._near_vectors(sample.vector) if sample.vector is not None else None,
        LOOKUP: lambda: (index.lookup if hasattr(index, "lookup") else index.candidates)(sample, fingerprint=fpr),
        READ: lambda: index.candidates(sample, fingerprint=fpr),
    }
    out: dict[str, int | None] = {}
    for stage, find in finds.items():
        try:
            found = find()
        except AttributeError:  # a private stage renamed by a later version of the index: the union stays
            found = None
        out[stage] = None if found is None else len(found)
    return out


# --- the server -----------------------------------------------------------------------------------------------


class Server:
    """``uvicorn api.app:app`` in a subprocess with its own database; RSS sampled in a thread."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
        self.peak_rss = 0
        self.rss = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        proc = psutil.Process(self.process.pid)
        while not self._stop.is_set():
            try:
                self.rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                self.peak_rss = max(self.peak_rss, self.rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    def wait_healthy(self, timeout: float = 900) -> tuple[float, float | None]:
        """Seconds until /api/health answers 200, and until it first answered at all (503 "warming" included)."""
        answered = None
        while time.monotonic() - self.started < timeout:
            try:
                status = httpx.get(self.base + "/api/health", timeout=5).status_code
                answered = answered or time.monotonic() - self.started
                if status == 200:
                    return time.monotonic() - self.started, answered
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            time.sleep(0.2)
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Run:
    """One (mode, archive) server and its measurements: started and timed cold on its own (``start_and_time_cold``),
    then its timed uploads one at a time (``screen``, alternated with the other archive's by ``timed_rounds``), then
    its batch (``finish``)."""

    def __init__(self, mode: str, archive: str, *, requests: int, batch: int, records: int, port: int) -> None:
        self.mode, self.archive, self.batch, self.port = mode, archive, batch, port
        self.folder = Path(tempfile.mkdtemp(prefix=f"bench-api-{mode}-{archive}-"))
        database = self.folder / "bench.db"
        texts, writeups = split_cases()
        if archive == "populated":
            shutil.copyfile(populated_database(records, texts, writeups)[0], database)
        self.env = {"SCREENING_DATABASE_URL": f"sqlite:///{database}", "SCREENING_API_KEYS": f"{KEY}=基准测试局"}
        if mode == "lexical":
            (self.folder / "models").mkdir()
            self.env["SCREENING_MODEL_DIR"] = str(self.folder / "models")
        count = FIRST_AND_NEXT + requests
        self.materials = [docx_of(texts[i % len(texts)], variant=i // len(texts)) for i in range(max(count, batch))]
        # The first ten: one write-up in ten paragraph orders, so first / next nine measures the cold cost, not one
        # write-up being heavier than another (the first, alone, screens ~1.4x slower than the next nine in any
        # position)
        self.firsts = [docx_of(texts[0], variant=k) for k in range(FIRST_AND_NEXT)]
        self.requests = requests
        self.result: dict = {"mode": mode, "archive": archive, "records": records if archive == "populated" else 0}
        self.matches: list[tuple[int, int]] = []  # per upload: (own earlier versions, other records) matched
        self.times: list[float] = []
        self.server: Server | None = None
        self.client: httpx.Client | None = None

    @property
    def label(self) -> str:
        return f"{self.mode}/{self.archive}"

    def start_and_time_cold(self) -> None:
        self.server = Server(self.env, self.port)
        self.result["healthy_s"], self.result["answered_s"] = self.server.wait_healthy()
        self.result["warm_rss_mb"] = self.server.rss / 2**20
        self.client = httpx.Client(base_url=self.server.base, timeout=600)
        health = self.client.get("/api/health").json()
        self.result["degraded"] = health["degraded"]
        self.result["warm_up"] = health.get("warm_up")
        cold = [self.screen(self.firsts[i], f"m{i}.docx") for i in range(FIRST_AND_NEXT)]
        self.result["first_s"], self.result["next_nine_median_s"] = cold[0], statistics.median(cold[1:])

    def screen(self, data: bytes, name: str) -> float:
        start = time.perf_counter()
        response = self.client.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": (name, data, DOCX)})
        response.raise_for_status()
        seconds = time.perf_counter() - start
        found = (response.json().get("duplicates") or {}).get("matches") or []
        real = sum(str(m.get("record", {}).get("case_name", "")).startswith("往届真实案例") for m in found)
        self.matches.append((real, len(found) - real))
        self.times.append(seconds)
        return seconds

    def timed(self, i: int) -> None:
        """The ``i``-th timed upload (after the first ten)."""
        self.screen(self.materials[FIRST_AND_NEXT + i], f"m{FIRST_AND_NEXT + i}.docx")

    def finish(self) -> dict:
        rest = self.times[FIRST_AND_NEXT:] or self.times[1:FIRST_AND_NEXT]
        self.result["latency"] = {
            "n": len(rest),
            "p50": statistics.median(rest),
            "p95": percentile(rest, 0.95),
            "max": max(rest),
            "matches": self.matches[FIRST_AND_NEXT:] or self.matches[1:FIRST_AND_NEXT],
        }
        print(
            f"[{self.label}] first {self.result['first_s']:.3f}s, next nine median "
            f"{self.result['next_nine_median_s']:.3f}s, p50 {self.result['latency']['p50']:.3f}s "
            f"p95 {self.result['latency']['p95']:.3f}s",
            flush=True,
        )
        batch = self.materials[: self.batch]
        self.result["batch"] = run_batch(self.client, batch, self.label) if self.batch else None
        self.result["peak_rss_mb"] = self.server.peak_rss / 2**20
        return self.result

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.server is not None:
            self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def run_mode(mode: str, archives: list[str], *, requests: int, batch: int, records: int, port: int) -> list[dict]:
    """Every archive's server of one mode, up together: each started and timed cold alone, in turn; then the timed
    uploads alternate between them (the i-th upload to each archive back to back, the order swapped every round),
    so the populated / empty ratios compare uploads made seconds apart under the same machine load, not runs minutes
    apart; then each one's batch in turn. (Until 2026-12-06 09:00 each archive's server ran on its own, one after
    the other: the empty archive's p50 moved 0.056-0.093 s between runs, as much as the difference measured.)"""
    runs = [
        Run(mode, archive, requests=requests, batch=batch, records=records, port=port + k)
        for k, archive in enumerate(archives)
    ]
    try:
        for run in runs:
            run.start_and_time_cold()
        for i in range(requests):
            for run in runs if i % 2 == 0 else runs[::-1]:
                run.timed(i)
        return [run.finish() for run in runs]
    finally:
        for run in runs:
            run.stop()


def run_batch(client: httpx.Client, materials: list[bytes], label: str) -> dict:
    files = [("files", (f"材料{i:03d}.docx", data, DOCX)) for i, data in enumerate(materials)]
    start = time.perf_counter()
    created = client.post(
        "/api/batches", data={"campaign": CAMPAIGN, "title": "基准测试"}, files=files, headers={"X-API-Key": KEY}
    )
    created.raise_for_status()
    upload_s = time.perf_counter() - start
    batch_id = created.json()["id"]
    progress_log = []
    while True:
        state = client.get(f"/api/batches/{batch_id}", headers={"X-API-Key": KEY}).json()
        elapsed = time.perf_counter() - start
        done = state["progress"]["done"] + state["progress"]["failed"]
        progress_log.append((round(elapsed, 1), done))
        print(f"[{label}] batch {done}/{state['progress']['total']} at {elapsed:.1f}s ({state['status']})", flush=True)
        if state["status"] in ("done", "failed"):
            break
        time.sleep(1)
    total_s = time.perf_counter() - start
    return {
        "n": len(materials),
        "status": state["status"],
        "upload_s": upload_s,
        "total_s": total_s,
        "per_s": len(materials) / total_s,
        "failed": state["progress"]["failed"],
        "progress": progress_log,
    }


# --- the results file -----------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {psutil.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, Python {platform.python_version()}"
    )


def write_results(
    results: list[dict], command: str, load_at_start: float, started: str, calibrated: list[str] | None = None
) -> None:
    lines = [
        "# API benchmark (bench/api.py)",
        "",
        f"- Command: `{command}`",
        f"- Date: {started} (start) to {dt.datetime.now(dt.UTC).strftime('%H:%M UTC')}",
        f"- Machine: {machine()}; load average at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f} "
        "(a shared machine: other engineers' jobs ran at the same time, so absolute times are inflated and noisy; "
        "the ratios compare uploads made back to back, alternating between the two servers)",
        f"- Materials: {MATERIALS if available() else 'generated filler'}, each cut or repeated to ~{TARGET_CHARS} "
        f"characters, as DOCX; self-check `POST /api/screen` of call {CAMPAIGN}",
        "- Populated archive: the materials' own write-ups (each material finds its earlier version: the full "
        "duplicate path runs) plus synthetic same-field records drawn from the other half's word statistics "
        "(calibration below)",
        "- Targets (issue 15): first screen after healthy ≤ 2× the median of the next nine; p50 and p95 with 10,000 "
        "archived selections ≤ 1.5× the empty archive's; server RSS with every model loaded ≤ 1.2 GB",
        "",
        "| mode | archive | healthy after | first screen | next nine (median) | first / next nine | p50 | p95 | max | "
        "batch (n) | batch total | RSS warm | RSS peak |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lat, b = r["latency"], r["batch"]
        archive = f"{r['records']:,} records" if r["archive"] == "populated" else "empty"
        batch_cells = f"{b['n']} | {b['total_s']:.1f} s" if b else "— | —"
        lines.append(
            f"| {r['mode']} | {archive} | {r['healthy_s']:.1f} s | {r['first_s']:.3f} s | "
            f"{r['next_nine_median_s']:.3f} s | **{r['first_s'] / r['next_nine_median_s']:.2f}** | "
            f"{lat['p50']:.3f} s | {lat['p95']:.3f} s | {lat['max']:.3f} s | {batch_cells} | "
            f"{r['warm_rss_mb']:.0f} MB | {r['peak_rss_mb']:.0f} MB |"
        )
    lines += ["", *ratio_lines(results)]
    for r in results:
        lines += [
            "",
            f"## {r['mode']}, {'populated' if r['archive'] == 'populated' else 'empty'} archive",
            "",
            f'- /api/health first answered after {r["answered_s"]:.1f} s (503 "warming"), 200 after '
            f"{r['healthy_s']:.1f} s; warm-up: {r['warm_up']}",
            f"- Degraded capabilities reported by /api/health: {'; '.join(r['degraded']) or 'none'}",
            f"- Latency over {r['latency']['n']} uploads after the first ten",
            f"- Duplicate matches per timed upload (own earlier version / other records): "
            f"{_mean_pair(r['latency']['matches'])}",
        ]
        if r["batch"]:
            b = r["batch"]
            lines += [
                f"- Batch: status {b['status']}, upload {b['upload_s']:.1f} s, {b['failed']} unreadable, "
                f"{b['per_s']:.2f} materials/s",
                "- Progress (seconds, materials done): "
                + ", ".join(f"{t}:{d}" for t, d in b["progress"][:: max(1, len(b["progress"]) // 12)]),
            ]
    if calibrated:
        lines += ["", "## The populated archive against real write-ups (calibration)", "", *calibrated]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n" + hand_written_reading(), encoding="utf-8")


def _mean_pair(pairs: list[tuple[int, int]]) -> str:
    if not pairs:
        return "—"
    return f"{statistics.mean(p[0] for p in pairs):.2f} / {statistics.mean(p[1] for p in pairs):.2f}"


def ratio_lines(results: list[dict]) -> list[str]:
    """Populated over empty, per mode, when both ran."""
    lines = []
    for mode in dict.fromkeys(r["mode"] for r in results):
        runs = {r["archive"]: r for r in results if r["mode"] == mode}
        if {"empty", "populated"} <= runs.keys():
            empty, full = runs["empty"]["latency"], runs["populated"]["latency"]
            lines.append(
                f"- {mode}: populated / empty archive: p50 **{full['p50'] / empty['p50']:.2f}×**, "
                f"p95 **{full['p95'] / empty['p95']:.2f}×** ({runs['populated']['records']:,} records)"
            )
    return lines


READING = "## Reading these numbers"


def hand_written_reading() -> str:
    """The previous file's hand-written section (from ``READING`` on), kept so a re-run does not erase it; its
    heading carries the date of the run it reads, so a stale reading shows."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    return "\n" + old[old.index(READING) :] if READING in old else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modes",
        nargs="+",
        default=["model"],
        choices=["model", "lexical"],
        help="model: the served configuration (var/models); lexical: an empty model folder",
    )
    parser.add_argument("--archives", nargs="+", default=["empty", "populated"], choices=["empty", "populated"])
    parser.add_argument("--records", type=int, default=10_000, help="archived selections in the populated archive")
    parser.add_argument("--requests", type=int, default=30, help="uploads timed after the first ten")
    parser.add_argument("--batch", type=int, default=100, help="batch size (0: no batch)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the finally blocks: stop the server subprocess
    load_at_start, started = os.getloadavg()[0], dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    calibrated = None
    if "populated" in args.archives:
        calibrated = populated_database(args.records, *split_cases())[1]  # built before any timing
    results = [
        result
        for mode in args.modes
        for result in run_mode(
            mode, args.archives, requests=args.requests, batch=args.batch, records=args.records, port=args.port
        )
    ]
    write_results(results, "python bench/api.py " + " ".join(sys.argv[1:]), load_at_start, started, calibrated)
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
