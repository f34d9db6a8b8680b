"""The robustness suite's fixture: a live server over a throw-away database (its key and limits:
``tests.robustness.helpers``)."""

from __future__ import annotations

import httpx
import pytest

from tests import hostile
from tests.robustness.helpers import API_KEY, BUREAU, CAMPAIGN, PARSE_SECONDS, REVIEWER, REVIEWER_KEY
from tests.robustness.isolation import LiveServer


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """``uvicorn api.app:app`` in its own session: temporary SQLite file, no embedding model (degraded, fast),
    one bureau key and one reviewer key."""
    folder = tmp_path_factory.mktemp("live-server")
    server = LiveServer(
        env={
            "SCREENING_DATABASE_URL": f"sqlite:///{folder / 'screening.db'}",
            "SCREENING_MODEL_DIR": str(folder / "no-models"),
            "SCREENING_PARSE_SECONDS": str(PARSE_SECONDS),
            "SCREENING_API_KEYS": f"{API_KEY}={BUREAU}",
            "SCREENING_REVIEWER_KEYS": f"{REVIEWER_KEY}={REVIEWER}:*",
        },
        log_path=folder / "server.log",
    )
    server.start()
    # The first screen loads the NLP models (~10 s); do it once here so no test pays it inside its own timeout.
    warm = httpx.post(
        server.url + "/api/screen",
        data={"campaign": CAMPAIGN},
        files={"file": ("valid.docx", hostile.valid_docx())},
        timeout=180,
    )
    assert warm.status_code == 200, warm.text
    yield server
    server.stop()
