"""Load: 50 concurrent clients for a minute on loopback, mixing valid and hostile uploads, against a running server.

    .venv/bin/python bench/load.py                       # starts its own `uvicorn api.app:app` (temp DB, no model)
    .venv/bin/python bench/load.py --with-model          # ... with the embedding model in var/models
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --api-key KEY   # an already running `screening serve`

Each client loops until the time is up (or the request cap is reached): 60 % valid materials (DOCX, PDF, GB18030
text; sent with the bureau key and ``store=true``, so each one must come back 200 *and* be stored), 40 % hostile files
from ``tests/hostile.py`` (each must come back with its defined error code). Measured and checked:

- no error on any valid upload (status 200 with an ``X-Submission-Id``);
- every hostile upload gets a 4xx with its expected code (never a 5xx, never a dropped connection);
- the server's memory (RSS of the server and the PDF worker processes under it, sampled each second) stays within
  ``--rss-growth-mb`` of its size after warm-up (proportional set size: see ``tree_memory``);
- no lost stored records: every ``X-Submission-Id`` handed out is in the archive afterwards (``GET /api/archive``).

Results go to ``bench/results/load.md``; the exit code is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import reading  # noqa: E402
from tests import hostile  # noqa: E402
from tests.robustness.isolation import LiveServer  # noqa: E402

CAMPAIGN = "nrta-2024-smart-network-services"
RESULTS = ROOT / "bench" / "results" / "load.md"
LOAD_AT_START = os.getloadavg()[0]
SLOW = {"pdf-slow-page", "pdf-huge-page", "pdf-5000-pages", "pdf-lying-count"}  # seconds each; kept, but rarer


@dataclass
class Tally:
    valid_ok: int = 0
    valid_errors: list[str] = field(default_factory=list)
    hostile_ok: int = 0
    hostile_errors: list[str] = field(default_factory=list)
    stored_ids: set[int] = field(default_factory=set)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"valid": [], "hostile": []})
    statuses: Counter = field(default_factory=Counter)


def payloads() -> tuple[list[tuple[str, bytes]], list[hostile.Hostile], dict[str, bytes]]:
    valid = [
        ("valid.docx", hostile.valid_docx()),
        ("valid.pdf", hostile.valid_pdf()),
        ("valid.txt", hostile.valid_text("gb18030")),
    ]
    cases = [case for case in hostile.intake_cases() if "-cut" not in case.name or case.name.endswith("cut50")]
    built = {case.name: case.make() for case in cases}
    return valid, cases, built


async def client(
    number: int, url: str, key: str, deadline: float, cap: list[int], tally: Tally, valid, cases, built
) -> None:
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        while time.monotonic() < deadline and cap[0] > 0:
            cap[0] -= 1
            if rng.random() < 0.6:
                name, data = rng.choice(valid)
                await send_valid(http, key, name, data, tally)
            else:
                case = rng.choice(cases)
                if case.name in SLOW and rng.random() < 0.8:
                    case = rng.choice(cases)
                await send_hostile(http, case, built[case.name], tally)


async def send_valid(http: httpx.AsyncClient, key: str, name: str, data: bytes, tally: Tally) -> None:
    started = time.monotonic()
    try:
        response = await http.post(
            "/api/screen",
            data={"campaign": CAMPAIGN, "store": "true"},
            files={"file": (name, data)},
            headers={"X-API-Key": key},
        )
    except httpx.HTTPError as error:
        tally.valid_errors.append(f"{name}: {type(error).__name__}")
        return
    tally.latencies["valid"].append(time.monotonic() - started)
    tally.statuses[response.status_code] += 1
    stored = response.headers.get("X-Submission-Id")
    if response.status_code == 200 and stored:
        tally.valid_ok += 1
        tally.stored_ids.add(int(stored))
    else:
        tally.valid_errors.append(f"{name}: {response.status_code} {response.text[:200]}")


async def send_hostile(http: httpx.AsyncClient, case: hostile.Hostile, data: bytes, tally: Tally) -> None:
    started = time.monotonic()
    try:
        response = await http.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": (case.filename, data)})
    except httpx.HTTPError as error:
        tally.hostile_errors.append(f"{case.name}: {type(error).__name__}")
        return
    tally.latencies["hostile"].append(time.monotonic() - started)
    tally.statuses[response.status_code] += 1
    code = "ok" if response.status_code == 200 else response.json().get("code")
    if code in case.expect and response.status_code < 500:
        tally.hostile_ok += 1
    else:
        tally.hostile_errors.append(f"{case.name}: {response.status_code} {code}")


def tree_memory(pid: int) -> dict[str, int]:
    """Memory of the server and every process under it (the PDF worker server and its per-file children).

    ``pss`` (proportional set size) is what the checks use: the per-file children are forks of the worker server, so
    most of their pages are the server's, shared copy-on-write; summing their RSS counts those pages once per child
    (under 50 clients, ten children at once count the parser's libraries ten times). PSS divides each shared page
    among the processes that map it, so the sum is the memory the tree really holds. ``rss`` (the plain sum) and
    ``server`` (the API process alone) are reported beside it."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {"pss": 0, "rss": 0, "server": 0, "processes": 0}
    total = {"pss": 0, "rss": 0, "server": 0, "processes": 0}
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        total["pss"] += info.pss
        total["rss"] += info.rss
        total["server"] += info.rss if process is root else 0
        total["processes"] += 1
    return total


async def sample_memory(pid: int | None, until: float, samples: list[dict[str, int]]) -> None:
    while pid and time.monotonic() < until:
        samples.append(tree_memory(pid))
        await asyncio.sleep(1.0)


async def stored_in_archive(url: str, key: str) -> set[int]:
    found, offset = set(), 0
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        while True:
            page = (
                await http.get(
                    "/api/archive",
                    params={"kind": "submission", "limit": 1000, "offset": offset},
                    headers={"X-API-Key": key},
                )
            ).json()
            found |= {record["id"] for record in page["records"]}
            offset += len(page["records"])
            if not page["records"] or offset >= page["total"]:
                return found


async def run(args, url: str, pid: int | None) -> dict:
    valid, cases, built = payloads()
    async with httpx.AsyncClient(base_url=url, timeout=300) as http:  # warm: the first screen loads the models
        for name, data in valid:
            warm = await http.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": (name, data)})
            warm.raise_for_status()
    baseline = tree_memory(pid) if pid else {}
    tally, samples, cap = Tally(), [], [args.max_requests]
    started = time.monotonic()
    deadline = started + args.seconds
    sampler = asyncio.create_task(sample_memory(pid, deadline + 5, samples))
    await asyncio.gather(
        *(client(n, url, args.api_key, deadline, cap, tally, valid, cases, built) for n in range(args.clients))
    )
    elapsed = time.monotonic() - started
    sampler.cancel()
    after = tree_memory(pid) if pid else {}
    archived = await stored_in_archive(url, args.api_key)
    return {
        "tally": tally,
        "elapsed": elapsed,
        "baseline": baseline,
        "peak": {key: max((s[key] for s in samples), default=0) for key in ("pss", "rss", "server", "processes")},
        "after": after,
        "lost": sorted(tally.stored_ids - archived),
        "archived": len(archived),
        "cases": len(cases),
    }


def memory_lines(result: dict) -> list[str]:
    if not result["baseline"]:
        return ["Memory: not measured (an external server)."]
    warm, peak, after = result["baseline"], result["peak"], result["after"]

    def mb(sample: dict, key: str) -> str:
        return f"{sample[key] / 2**20:.0f} MB"

    return [
        f"Memory (server + PDF workers, PSS): warm {mb(warm, 'pss')}, peak {mb(peak, 'pss')}, after {mb(after, 'pss')}.",
        f"Same, RSS summed (each forked child's shared pages counted again): warm {mb(warm, 'rss')}, peak "
        f"{mb(peak, 'rss')}, after {mb(after, 'rss')}; the API process alone: warm {mb(warm, 'server')}, peak "
        f"{mb(peak, 'server')}; processes at once: at most {peak['processes']}.",
    ]


def verdicts(result: dict, args) -> list[tuple[str, bool]]:
    tally = result["tally"]
    growth = (result["peak"]["pss"] - result["baseline"].get("pss", 0)) / 2**20
    return [
        ("no error on valid uploads", not tally.valid_errors and tally.valid_ok > 0),
        ("every hostile upload got its defined error", not tally.hostile_errors),
        ("no 5xx", not any(status >= 500 for status in tally.statuses)),
        (
            f"memory growth ≤ {args.rss_growth_mb} MB (PSS, peak over warm size: {growth:.0f} MB)",
            growth <= args.rss_growth_mb or not result["baseline"],
        ),
        ("no lost stored records", not result["lost"]),
    ]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) >= 2 else (values[0] if values else 0.0)


def write_report(result: dict, args, checks, command: str, mode: str) -> str:
    tally = result["tally"]
    total = sum(tally.statuses.values())
    lines = [
        "# Load: concurrent mixed uploads against a live server",
        "",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- command: `{command}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
        f"Python {platform.python_version()}; load average at start {LOAD_AT_START:.1f}, at the end "
        f"{os.getloadavg()[0]:.1f} (a shared machine: other jobs may run at the same time)",
        f"- server: {mode}",
        f"- clients: {args.clients}, for {result['elapsed']:.0f} s (cap {args.max_requests} requests); "
        f"{result['cases']} hostile cases from tests/hostile.py",
        "",
        "| | count | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, ok, errors in (
        ("valid (stored)", tally.valid_ok, tally.valid_errors),
        ("hostile", tally.hostile_ok, tally.hostile_errors),
    ):
        lat = tally.latencies["valid" if kind.startswith("valid") else "hostile"]
        lines.append(
            f"| {kind}: {ok} as expected, {len(errors)} not | {ok + len(errors)} | "
            f"{percentile(lat, 50):.2f} | {percentile(lat, 95):.2f} | {max(lat, default=0):.2f} |"
        )
    lines += [
        "",
        f"Requests: {total} ({total / result['elapsed']:.1f}/s); statuses: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())),
        *memory_lines(result),
        f"Stored: {len(tally.stored_ids)} submission ids handed out, {result['archived']} submissions in the archive, "
        f"{len(result['lost'])} lost.",
        "",
        "| check | result |",
        "|---|---|",
        *[f"| {name} | {'pass' if ok else 'FAIL'} |" for name, ok in checks],
    ]
    problems = (tally.valid_errors + tally.hostile_errors)[:20]
    if problems:
        lines += ["", "First problems:", "", *[f"- `{p}`" for p in problems]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--api-key", default="load-key")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--rss-growth-mb", type=int, default=500)
    parser.add_argument("--with-model", action="store_true", help="let the started server load var/models")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    server, pid = None, None
    if args.url:
        url, mode = args.url, f"external, {args.url}"
    else:
        folder = Path(tempfile.mkdtemp(prefix="screening-load-"))
        env = {
            "SCREENING_DATABASE_URL": f"sqlite:///{folder / 'load.db'}",
            "SCREENING_API_KEYS": f"{args.api_key}=压力测试局",
        }
        if not args.with_model:
            env["SCREENING_MODEL_DIR"] = str(folder / "no-model")
        server = LiveServer(env=env, log_path=folder / "server.log").start()
        url, pid = server.url, server.process.pid
        mode = f"started here: uvicorn api.app:app, 1 worker, SQLite {folder / 'load.db'}, " + (
            "embedding model from var/models" if args.with_model else "no embedding model (degraded)"
        )
    try:
        result = asyncio.run(run(args, url, pid))
    finally:
        if server:
            server.stop()
    checks = verdicts(result, args)
    report = write_report(result, args, checks, "python bench/load.py " + " ".join(sys.argv[1:]), mode)
    print(reading.write(args.out, report))
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
