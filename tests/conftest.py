"""Fixtures every suite may use: the database under test, SQLite or a real PostgreSQL server.

``db_url`` is parametrised: a test that takes it runs once on a fresh SQLite file and once on a fresh database of a
throwaway PostgreSQL cluster (``tests.pgcluster``, started once per session, stopped at the end). Select one side with
``-k sqlite`` or ``-k postgresql``.

Without the PostgreSQL binaries the PostgreSQL half is skipped on a developer's machine, but FAILS when ``CI`` is set:
a CI run must not pass by silently testing only SQLite.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.pgcluster import BACKENDS, MISSING_MESSAGE, PgCluster, find_bin_dir, fresh_url  # noqa: E402


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the whole run."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if _in_ci():
            pytest.fail(MISSING_MESSAGE)
        pytest.skip(MISSING_MESSAGE)
    cluster = PgCluster(bin_dir).start()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    return fresh_url(request.param, request, tmp_path)


@pytest.fixture
def pg_url(request, tmp_path) -> str:
    """A fresh PostgreSQL database only (for re-running a SQLite-only suite on PostgreSQL)."""
    return fresh_url("postgresql", request, tmp_path)
