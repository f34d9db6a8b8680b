"""The PostgreSQL half of the suite never passes silently: without the server binaries it is skipped on a developer's
machine and FAILS in CI (``CI`` set). Checked by running pytest on one parametrised test with the binaries hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/batch/test_leases.py::test_a_released_lease_is_free_at_once"


def _pytest(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(SCREENING_PG_BIN=str(tmp_path / "no-postgresql-here"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", ONE_TEST, "-k", "postgresql", "-q", "-p", "no:cacheprovider", "-rfEs"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(("ci", "outcome"), [("true", "error"), (None, "skipped")])
@pytest.mark.slow
def test_missing_binaries_fail_in_ci_and_skip_elsewhere(tmp_path, ci, outcome):
    done = _pytest(tmp_path, **({"CI": ci} if ci else {}))
    assert "未找到 PostgreSQL" in done.stdout, done.stdout[-2000:]
    assert f"1 {outcome}" in done.stdout, done.stdout[-2000:]
    assert (done.returncode != 0) == (ci is not None)
