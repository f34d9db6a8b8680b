"""Fixtures every suite may use: the database under test, SQLite or a real PostgreSQL server.

``db_url`` is parametrised: a test that takes it runs once on a fresh SQLite file and once on a fresh database of a
throwaway PostgreSQL cluster (``tests.pgcluster``, started once per session, stopped at the end). Select one side with
``-k sqlite`` or ``-k postgresql``.

Without the PostgreSQL binaries the PostgreSQL half is skipped on a developer's machine, but FAILS when ``CI`` is set:
a CI run must not pass by silently testing only SQLite.

How the suite is laid out (one way, for every directory):

- Imports are absolute from the repository root (``from tests.factories import make_docx``, ``from screening ...``):
  pyproject.toml's ``pythonpath = ["."]`` puts the root on the path however pytest is started, so no conftest
  touches ``sys.path``.
- Fixtures live in conftest.py files, and only fixtures: this one for what every suite may use;
  ``tests/<suite>/conftest.py`` for one suite's (the app client in api/, the live server in robustness/, the browser
  in e2e/, the check runner in checks/). Constants and helpers a suite's tests share (keys, settings, polling) live in
  its plain ``tests/<suite>/helpers.py`` and are imported from there, never from a conftest.
- Inputs are generated in code by plain modules: ``tests/factories.py`` (DOCX, PDF, forms), ``tests/hostile.py``
  (malformed files), and each suite's own (``checks/materials.py``, ``duplicates/texts.py`` ...).
- Markers (``--strict-markers``, declared in pyproject.toml): ``slow`` for tests that take more than ~5 s each
  (skipped by a developer's ``make test``, run by CI), ``browser`` for the Chromium suites.
"""

from __future__ import annotations

import os

import pytest

from tests.pgcluster import BACKENDS, MISSING_MESSAGE, PgCluster, find_bin_dir, fresh_url


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
