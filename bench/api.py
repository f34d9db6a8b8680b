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
   empty archive's (target ≤ 1.5);
4. posts one batch of ``--batch`` DOCX materials and polls ``GET /api/batches/{id}`` until done;
5. samples the server's RSS (with its child processes, e.g. the isolated PDF parser) every 0.2 s: after warm-up
   and peak (target ≤ 1.2 GB with every model loaded).

The populated archive: ``--records`` (10,000) archived selections with full text, written before the server starts,
with their duplicate fingerprints and word features (schema v4) stored as ``screening archive import`` + a first
start would leave them. All but the real write-ups are synthetic: 1,000-4,000 characters of random dictionary
words (jieba's most frequent 30,000), so
they are distinct from each other and from the materials, and their fingerprints are taken from the words they were
drawn from (fingerprinting 10,000 texts through jieba would take 5-25 minutes on this machine, for a set-up step).
The real write-ups (../shared/cases) are archived too, fingerprinted the normal way, so every material sent finds its
own earlier version: the duplicate check then does its full work (candidates, exact comparison, a finding), not
a lookup that finds nothing. Form-blanked candidates are derived from the stored word counts (schema v6); the
server's start-up warm-up prepares the common ones in memory (``DuplicateIndex.prepare_forms``) before health says ok,
and that time is in "healthy after". The database is built once per parameter set into the system's temporary folder and
copied for each run.

Materials: the real case write-ups in ../shared/cases (read only, never copied into the repo), each cut or repeated
to about 5,000 characters and written as a DOCX with python-docx; without them, generated filler text. Results go to
bench/results/api.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import platform
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
DB_VERSION = "4"
MATERIALS = "real case write-ups from ../shared/cases (without their # headers)"  # bump when the populated database's recipe changes

sys.path.insert(0, str(ROOT))

from bench.cases import available, case_files, case_text  # noqa: E402


def case_texts() -> list[str]:
    if available():
        texts = [case_text(p) for p in case_files()]
        return [t for t in texts if len(t) > 500]
    from tests.factories import chinese_text

    return ["\n".join(chinese_text(TARGET_CHARS, paragraph_chars=300))]


def docx_of(text: str, *, variant: int = 0) -> bytes:
    """A DOCX of about 5,000 characters: the text's paragraphs, repeated when short, cut at the target.

    A ``variant`` starts the paragraphs elsewhere and puts ``variant`` invisible word joiners (U+2060) after each
    sentence's closing mark: the duplicate check memoises the segmentation of each clause, and without them the first
    ten (one write-up in ten orders) would find the first one's clauses already cut; the joiners change no word, no
    sentence key and no shingle (they are dropped with punctuation), only the memo's key."""
    import docx

    mark = "\u2060" * variant
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if mark:
        paragraphs = [re.sub(r"([。！？；])", lambda m: m.group() + mark, p) for p in paragraphs]
    document, total, i = docx.Document(), 0, 0
    document.add_paragraph(f"{paragraphs[0][:40]}（{variant}）", style="Title")
    while total < TARGET_CHARS:
        paragraph = paragraphs[(i + variant) % len(paragraphs)][: TARGET_CHARS - total]
        document.add_paragraph(paragraph)
        total += len(paragraph)
        i += 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the populated archive ------------------------------------------------------------------------------------


def populated_database(records: int, texts: list[str]) -> Path:
    """A SQLite file with ``records`` archived selections with full text and stored fingerprints (built once)."""
    from screening.duplicates.index import features_version  # stored features of another version are migrated

    key = [DB_VERSION, str(records), *texts, schema(), features_version()]
    digest = hashlib.sha1("|".join(key).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"screening-bench-archive-{records}-{digest}.db"
    if path.exists():
        return path
    building = Path(tempfile.mkdtemp(prefix="screening-bench-archive-")) / "archive.db"
    started = time.perf_counter()
    _fill(f"sqlite:///{building}", records, texts)
    with sqlite3.connect(building) as connection:  # fold the write-ahead log into the file before moving it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.move(building, path)
    shutil.rmtree(building.parent, ignore_errors=True)
    print(
        f"populated archive: {records} records written in {time.perf_counter() - started:.0f} s -> {path}", flush=True
    )
    return path


def schema() -> str:
    """The database tables and columns and the duplicate sample's fields: a new kind of stored fingerprint changes
    it, and the populated database is rebuilt rather than re-fingerprinted by the server at start-up."""
    import dataclasses

    from screening import db
    from screening.duplicates import index  # noqa: F401  (registers the fingerprint tables)
    from screening.duplicates.compare import Sample

    tables = sorted((t.name, tuple(sorted(c.name for c in t.columns))) for t in db.Base.metadata.tables.values())
    return repr((tables, [f.name for f in dataclasses.fields(Sample)]))


def _fill(url: str, records: int, texts: list[str]) -> None:
    from screening import db
    from screening.archive import Archive
    from screening.duplicates.compare import Sample
    from screening.duplicates.index import DuplicateIndex, Fingerprint
    from screening.nlp import stock_jieba

    archive = Archive(db.get_engine(url))
    index = DuplicateIndex(archive=archive)
    vocab = [
        w for w, f in sorted(stock_jieba().FREQ.items(), key=lambda x: -x[1]) if f and len(w) >= 2 and w.isalnum()
    ][:30000]  # words as normalised text has them (no punctuation)
    rng = np.random.default_rng(15)
    real = [(i, text) for i, text in enumerate(texts)]
    for start in range(0, records, 500):
        rows, fingerprints = [], []
        for rid in range(start, min(start + 500, records)):
            if rid < len(real):
                text = real[rid][1]
                fingerprint = Fingerprint.of(Sample.of(text))
            else:
                words = [vocab[k] for k in rng.integers(0, len(vocab), int(rng.integers(500, 2000)))]
                text = "".join(words)
                fingerprint = Fingerprint.of(synthetic_sample(Sample, text, words))
            rows.append(
                {
                    "kind": "selection",
                    "year": 2020 + rid % 5,
                    "campaign": "合成的往届征集",
                    "category": "融合生产传播",
                    "case_name": f"往届案例{rid}",
                    "unit": f"第{rid % 3000}号县融媒体中心",
                    "province": "",
                    "text": text,
                    "source": "bench/api.py 合成",
                }
            )
            fingerprints.append((fingerprint, len(text)))
        added = archive.add(rows)
        with db.session_scope(archive.engine) as session:
            for record, (fingerprint, n_chars) in zip(added, fingerprints):
                index._store(record.id, fingerprint, n_chars, session)
    archive.engine.dispose()


def synthetic_sample(sample_class, text: str, words: list[str]):
    """``Sample.of(text)`` without jieba: the words are the ones the text was drawn from. Every other field is
    computed by the duplicates package's own functions, so the stored fingerprint has whatever the current code
    stores (``Fingerprint.of``, ``DuplicateIndex._store``)."""
    from collections import Counter

    from screening.duplicates import fingerprints as fp
    from screening.duplicates import rarewords

    hashes, counts = fp.hashed_counts(Counter(words))
    return sample_class.stored(text, hashes, rarewords.weighted_words(set(words)), counts=counts)


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


def run_one(mode: str, archive: str, *, requests: int, batch: int, records: int, port: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-api-{mode}-{archive}-"))
    database = folder / "bench.db"
    texts = case_texts()
    if archive == "populated":
        shutil.copyfile(populated_database(records, texts), database)
    env = {"SCREENING_DATABASE_URL": f"sqlite:///{database}", "SCREENING_API_KEYS": f"{KEY}=基准测试局"}
    if mode == "lexical":
        (folder / "models").mkdir()
        env["SCREENING_MODEL_DIR"] = str(folder / "models")
    count = FIRST_AND_NEXT + requests
    materials = [docx_of(texts[i % len(texts)], variant=i // len(texts)) for i in range(max(count, batch))]
    # The first ten: one write-up in ten paragraph orders, so first / next nine measures the cold cost, not one
    # write-up being heavier than another (the first, alone, screens ~1.4x slower than the next nine in any position)
    firsts = [docx_of(texts[0], variant=k) for k in range(FIRST_AND_NEXT)]
    server = Server(env, port)
    result: dict = {"mode": mode, "archive": archive, "records": records if archive == "populated" else 0}
    try:
        result["healthy_s"], result["answered_s"] = server.wait_healthy()
        result["warm_rss_mb"] = server.rss / 2**20
        with httpx.Client(base_url=server.base, timeout=600) as client:
            health = client.get("/api/health").json()
            result["degraded"] = health["degraded"]
            result["warm_up"] = health.get("warm_up")

            def screen(data: bytes, name: str) -> float:
                start = time.perf_counter()
                response = client.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": (name, data, DOCX)})
                response.raise_for_status()
                return time.perf_counter() - start

            times = [screen(firsts[i] if i < FIRST_AND_NEXT else materials[i], f"m{i}.docx") for i in range(count)]
            first, nine, rest = times[0], times[1:FIRST_AND_NEXT], times[FIRST_AND_NEXT:] or times[1:FIRST_AND_NEXT]
            result["first_s"], result["next_nine_median_s"] = first, statistics.median(nine)
            result["latency"] = {
                "n": len(rest),
                "p50": statistics.median(rest),
                "p95": percentile(rest, 0.95),
                "max": max(rest),
            }
            print(
                f"[{mode}/{archive}] first {first:.3f}s, next nine median {result['next_nine_median_s']:.3f}s, "
                f"p50 {result['latency']['p50']:.3f}s p95 {result['latency']['p95']:.3f}s",
                flush=True,
            )
            result["batch"] = run_batch(client, materials[:batch], f"{mode}/{archive}") if batch else None
        result["peak_rss_mb"] = server.peak_rss / 2**20
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return result


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


def write_results(results: list[dict], command: str, load_at_start: float, started: str) -> None:
    lines = [
        "# API benchmark (bench/api.py)",
        "",
        f"- Command: `{command}`",
        f"- Date: {started} (start) to {dt.datetime.now(dt.UTC).strftime('%H:%M UTC')}",
        f"- Machine: {machine()}; load average at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f} "
        "(a shared machine: other engineers' jobs ran at the same time, so absolute times are inflated and noisy; "
        "the ratios compare figures taken minutes apart in one run)",
        f"- Materials: {MATERIALS if available() else 'generated filler'}, each cut or repeated to ~{TARGET_CHARS} "
        f"characters, as DOCX; self-check `POST /api/screen` of call {CAMPAIGN}",
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
        ]
        if r["batch"]:
            b = r["batch"]
            lines += [
                f"- Batch: status {b['status']}, upload {b['upload_s']:.1f} s, {b['failed']} unreadable, "
                f"{b['per_s']:.2f} materials/s",
                "- Progress (seconds, materials done): "
                + ", ".join(f"{t}:{d}" for t, d in b["progress"][:: max(1, len(b["progress"]) // 12)]),
            ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n" + hand_written_reading(), encoding="utf-8")


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
    if "populated" in args.archives:
        populated_database(args.records, case_texts())  # built before any timing
    results = [
        run_one(mode, archive, requests=args.requests, batch=args.batch, records=args.records, port=args.port)
        for mode in args.modes
        for archive in args.archives
    ]
    write_results(results, "python bench/api.py " + " ".join(sys.argv[1:]), load_at_start, started)
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
