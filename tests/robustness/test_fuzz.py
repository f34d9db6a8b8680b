"""A short atheris run of every parser harness in ``fuzz/`` (about a minute in all), so CI keeps fuzzing (marked
``slow``: a developer's ``make test`` skips it, ``make test-all`` and CI run it).

Each harness runs in its own process under libFuzzer's limits (per-input timeout, RSS cap); a finding makes the
harness exit non-zero and leaves the input in ``tmp_path`` - the failure message shows the traceback. The longer runs
and what they found are in ``bench/fuzz.py`` / ``bench/results/fuzz.md``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.isolation import kill_group

ROOT = Path(__file__).resolve().parents[2]
HARNESSES = ["pdf", "docx", "text", "numbers", "notice"]
# Linux starts a forked child's peak RSS at its parent's current RSS, and exec keeps it: late in a full run pytest
# holds ~2.8 GB, so libFuzzer read 2.8 GB at its first input and reported every harness "out of memory". A shell in
# between forks the harness from a small process (measured: 3083 MB read directly, 10 MB through the shell).
FRESH_RSS = ["/bin/sh", "-c", '"$@"; exit $?', "fuzz"]
SECONDS = 10  # per harness: ~1 minute in all with start-up (light instrumentation: our package only)


@pytest.mark.parametrize("target", HARNESSES)
@pytest.mark.slow
def test_fuzz_harness_finds_nothing(target, tmp_path):
    log = tmp_path / "fuzz.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *FRESH_RSS,
                sys.executable,
                str(ROOT / "fuzz" / f"fuzz_{target}.py"),
                f"-max_total_time={SECONDS}",
                "-timeout=30",
                "-rss_limit_mb=2048",
                f"-artifact_prefix={tmp_path}/",
                "-print_final_stats=1",
            ],
            cwd=ROOT,
            env={**os.environ, "SCREENING_FUZZ_LIGHT": "1"},
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=SECONDS + 90)
        finally:
            kill_group(process)  # the harness and anything it started
    report = log.read_text(errors="replace")
    findings = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert code == 0 and not findings, f"{target}: exit {code}, findings {findings}\n{report[-4000:]}"
    assert "Done " in report  # it really ran inputs
