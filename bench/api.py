"""HTTP benchmark: self-check latency, a 100-material batch, and the server's memory.

    .venv/bin/python bench/api.py                      # both modes: with the embedding model, and lexical
    .venv/bin/python bench/api.py --modes lexical      # only without the model (SCREENING_MODEL_DIR empty)
    .venv/bin/python bench/api.py --requests 30 --batch 100 --model-requests 15 --model-batch 30

What it does, per mode, against a real server (``uvicorn api.app:app`` in a subprocess, SQLite in a temporary folder):

1. waits for ``/api/health`` and times the first ``POST /api/screen`` (cold: models load on first use);
2. times ``--requests`` sequential uploads of 5000字 DOCX files (warm): p50, p95, max;
3. posts one batch of ``--batch`` DOCX materials and polls ``GET /api/batches/{id}`` every second, printing progress,
   until it is done: total time and materials per second;
4. samples the server's RSS (with its child processes, e.g. the isolated PDF parser) every 0.2 s: peak.

Materials: the real case write-ups in ../shared/cases (read only, never copied into the repo), each cut or repeated to
about 5,000 characters and written as a DOCX with python-docx; without them, generated filler text. Results go to
bench/results/api.md. Targets (issue 6): p50 ≤ 0.5 s warm, 100 materials ≤ 60 s on 2 cores, RSS ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.md"
CAMPAIGN = "nrta-2025-media-convergence"
KEY = "bench-key"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TARGET_CHARS = 5000

sys.path.insert(0, str(ROOT))

from bench.cases import available, case_files, case_text  # noqa: E402


def case_texts() -> list[str]:
    if available():
        texts = [case_text(p) for p in case_files()]
        return [t for t in texts if len(t) > 500]
    from tests.factories import chinese_text

    return ["\n".join(chinese_text(TARGET_CHARS, paragraph_chars=300))]


def docx_of(text: str, *, variant: int = 0) -> bytes:
    """A DOCX of about 5,000 characters: the text's paragraphs, repeated when short, cut at the target."""
    import docx

    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
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


class Server:
    """``uvicorn api.app:app`` in a subprocess with its own database; RSS sampled in a thread."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
        self.peak_rss = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        proc = psutil.Process(self.process.pid)
        while not self._stop.is_set():
            try:
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                self.peak_rss = max(self.peak_rss, rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    def wait_ready(self, timeout: float = 120) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            try:
                if httpx.get(self.base + "/api/health", timeout=2).status_code == 200:
                    return time.monotonic() - start
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_mode(mode: str, *, requests: int, batch: int, port: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-api-{mode}-"))
    env = {"SCREENING_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SCREENING_API_KEYS": f"{KEY}=基准测试局"}
    if mode == "lexical":
        (folder / "models").mkdir()
        env["SCREENING_MODEL_DIR"] = str(folder / "models")
    texts = case_texts()
    materials = [docx_of(texts[i % len(texts)], variant=i // len(texts)) for i in range(max(requests, batch) + 1)]
    server = Server(env, port)
    result: dict = {"mode": mode}
    try:
        result["startup_s"] = server.wait_ready()
        with httpx.Client(base_url=server.base, timeout=600) as client:
            health = client.get("/api/health").json()
            result["degraded"] = health["degraded"]

            def screen(data: bytes, name: str) -> float:
                start = time.perf_counter()
                response = client.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": (name, data, DOCX)})
                response.raise_for_status()
                return time.perf_counter() - start

            result["first_request_s"] = screen(materials[0], "first.docx")
            latencies = [screen(materials[i + 1], f"m{i}.docx") for i in range(requests)]
            result["latency"] = {"n": requests, "p50": statistics.median(latencies),
                                 "p95": percentile(latencies, 0.95), "max": max(latencies)}
            print(f"[{mode}] latency p50 {result['latency']['p50']:.3f}s p95 {result['latency']['p95']:.3f}s", flush=True)
            result["batch"] = run_batch(client, materials[:batch], mode)
        result["peak_rss_mb"] = server.peak_rss / 1024 / 1024
    finally:
        server.stop()
    return result


def run_batch(client: httpx.Client, materials: list[bytes], mode: str) -> dict:
    files = [("files", (f"材料{i:03d}.docx", data, DOCX)) for i, data in enumerate(materials)]
    start = time.perf_counter()
    created = client.post("/api/batches", data={"campaign": CAMPAIGN, "title": "基准测试"}, files=files,
                          headers={"X-API-Key": KEY})
    created.raise_for_status()
    upload_s = time.perf_counter() - start
    batch_id = created.json()["id"]
    progress_log = []
    while True:
        state = client.get(f"/api/batches/{batch_id}", headers={"X-API-Key": KEY}).json()
        elapsed = time.perf_counter() - start
        done = state["progress"]["done"] + state["progress"]["failed"]
        progress_log.append((round(elapsed, 1), done))
        print(f"[{mode}] batch {done}/{state['progress']['total']} at {elapsed:.1f}s ({state['status']})", flush=True)
        if state["status"] in ("done", "failed"):
            break
        time.sleep(1)
    total_s = time.perf_counter() - start
    table = client.get(f"/api/batches/{batch_id}/result", headers={"X-API-Key": KEY}).json()
    xlsx = client.get(f"/api/batches/{batch_id}/export.xlsx", headers={"X-API-Key": KEY})
    return {"n": len(materials), "status": state["status"], "upload_s": upload_s, "total_s": total_s,
            "per_s": len(materials) / total_s, "failed": state["progress"]["failed"],
            "duplicate_rows": sum(1 for r in table["rows"] if r["duplicates"]), "xlsx_bytes": len(xlsx.content),
            "progress": progress_log}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.release()}, {cpu}, {psutil.cpu_count()} CPUs, "
            f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, Python {platform.python_version()}")


def write_results(results: list[dict], command: str) -> None:
    lines = [
        "# API benchmark (bench/api.py)",
        "",
        f"- Command: `{command}`",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine()}; load average at start {os.getloadavg()[0]:.2f} (other jobs may share the CPUs)",
        f"- Materials: {'real case write-ups from ../shared/cases (without their # headers)' if available() else 'generated filler'}, "
        f"each cut or repeated to ~{TARGET_CHARS} characters, as DOCX",
        "- Targets (issue 6): p50 ≤ 0.5 s warm; 100 materials ≤ 60 s on 2 cores; server RSS ≤ 2 GB",
        "",
        "| mode | start-up | first request | p50 | p95 | max | batch (n) | batch total | materials/s | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lat, b = r["latency"], r["batch"]
        lines.append(f"| {r['mode']} | {r['startup_s']:.1f} s | {r['first_request_s']:.2f} s | {lat['p50']:.3f} s | "
                     f"{lat['p95']:.3f} s | {lat['max']:.3f} s | {b['n']} | {b['total_s']:.1f} s | {b['per_s']:.2f} | "
                     f"{r['peak_rss_mb']:.0f} MB |")
    for r in results:
        b = r["batch"]
        lines += ["", f"## {r['mode']}", "",
                  f"- Degraded capabilities reported by /api/health: {'; '.join(r['degraded']) or 'none'}",
                  f"- Batch: status {b['status']}, upload {b['upload_s']:.1f} s, {b['failed']} unreadable, "
                  f"{b['duplicate_rows']} rows with in-batch duplicates, XLSX {b['xlsx_bytes']} bytes",
                  "- Progress (seconds, materials done): " + ", ".join(f"{t}:{d}" for t, d in b["progress"][:: max(1, len(b["progress"]) // 12)])]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n" + hand_written_reading(), encoding="utf-8")


READING = "## Reading these numbers"


def hand_written_reading() -> str:
    """The previous file's hand-written section (from ``READING`` on), kept so a re-run does not erase it; its
    heading carries the date of the run it reads, so a stale reading shows."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    return "\n" + old[old.index(READING):] if READING in old else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", nargs="+", default=["lexical", "model"], choices=["model", "lexical"])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--model-requests", type=int, default=15, help="requests with the model (each takes seconds)")
    parser.add_argument("--model-batch", type=int, default=30, help="batch size with the model")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the finally blocks: stop the server subprocess
    sizes = {"lexical": (args.requests, args.batch), "model": (args.model_requests, args.model_batch)}
    results = [run_mode(mode, requests=sizes[mode][0], batch=sizes[mode][1], port=args.port) for mode in args.modes]
    write_results(results, "python bench/api.py " + " ".join(sys.argv[1:]))
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
