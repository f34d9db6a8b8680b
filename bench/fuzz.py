"""The long fuzz run: every harness in ``fuzz/`` for ``--seconds`` each, fully instrumented, with a kept corpus.

    .venv/bin/python bench/fuzz.py                      # 300 s per harness, one at a time
    .venv/bin/python bench/fuzz.py --seconds 120 --jobs 2 pdf docx

The corpus grows in ``bench/out/fuzz/<target>/`` (git-ignored) so the next run starts where this one stopped;
findings (``crash-*``, ``timeout-*``, ``oom-*``) land in ``bench/out/fuzz/findings/<target>/`` with the harness's
traceback in ``<target>.log``. Results - executions, speed, corpus, coverage, and each finding's first error line - go
to ``bench/results/fuzz.md``. ``make test`` runs the same harnesses for ~10 s each (``tests/robustness/test_fuzz.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "fuzz"
RESULTS = ROOT / "bench" / "results" / "fuzz.md"
TARGETS = ["pdf", "docx", "text", "numbers", "notice"]


def fuzz(target: str, seconds: int) -> dict:
    corpus, findings = OUT / target, OUT / "findings" / target
    corpus.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    log = OUT / f"{target}.log"
    command = [
        sys.executable,
        str(ROOT / "fuzz" / f"fuzz_{target}.py"),
        f"-max_total_time={seconds}",
        "-timeout=30",
        "-rss_limit_mb=3072",
        f"-artifact_prefix={findings}/",
        "-print_final_stats=1",
        str(corpus),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            code = process.wait(timeout=seconds + 300)
        except subprocess.TimeoutExpired:
            code = "hung"
        finally:
            try:
                os.killpg(process.pid, 9)  # the harness and anything it started
            except ProcessLookupError:
                pass
    text = log.read_text(errors="replace")
    return {
        "target": target,
        "code": code,
        "seconds": seconds,
        "log": log,
        "runs": _stat(text, r"Done (\d+) runs"),
        "per_second": _stat(text, r"average_exec_per_sec:\s+(\d+)"),
        "new_units": _stat(text, r"new_units_added:\s+(\d+)"),
        "cov": _last(text, r"cov: (\d+)"),
        "corpus": sum(1 for _ in corpus.iterdir()),
        "peak_rss": _stat(text, r"peak_rss_mb:\s+(\d+)"),
        "findings": [(p.name, _first_error(text)) for p in sorted(findings.iterdir())],
    }


def _stat(text: str, pattern: str) -> str:
    match = re.search(pattern, text)
    return match.group(1) if match else "?"


def _last(text: str, pattern: str) -> str:
    found = re.findall(pattern, text)
    return found[-1] if found else "?"


def _first_error(text: str) -> str:
    match = re.search(r"^(\w+(?:Error|Exception|Exit)[^\n]*)$", text, re.M)
    return match.group(1)[:200] if match else "see log"


def report(results: list[dict], command: str) -> str:
    lines = [
        "# Fuzzing: the atheris harnesses in fuzz/, long run",
        "",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- command: `{command}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {os.getloadavg()[0]:.1f}",
        "- instrumentation: our package plus the parser libraries each harness drives (see fuzz/_harness.py)",
        "",
        "| harness | seconds | runs | runs/s | coverage (edges) | new inputs | corpus | peak RSS MB | exit | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['target']} | {r['seconds']} | {r['runs']} | {r['per_second']} | {r['cov']} | "
            f"{r['new_units']} | {r['corpus']} | {r['peak_rss']} | {r['code']} | {len(r['findings'])} |"
        )
    found = [(r["target"], name, error) for r in results for name, error in r["findings"]]
    lines += ["", "Findings:" if found else "Findings: none in this run.", ""]
    lines += [f"- {target}: `{name}` - {error}" for target, name, error in found]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"some of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.targets = args.targets or TARGETS
    if unknown := set(args.targets) - set(TARGETS):
        parser.error(f"unknown harness: {', '.join(sorted(unknown))}")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda t: fuzz(t, args.seconds), args.targets))
    text = report(results, "python bench/fuzz.py " + " ".join(sys.argv[1:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(r["code"] == 0 and not r["findings"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
