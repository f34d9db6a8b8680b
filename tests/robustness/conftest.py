"""Fixtures shared by the robustness suite: a live server over a throw-away database, and the bureau key it accepts."""

from __future__ import annotations

import httpx
import pytest

from tests import hostile
from tests.robustness.isolation import LiveServer

API_KEY = "robustness-key"
BUREAU = "稳健性测试局"
CAMPAIGN = "nrta-2024-smart-network-services"
PARSE_SECONDS = 1.5


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """``uvicorn api.app:app`` in its own session: temporary SQLite file, no embedding model (degraded, fast)."""
    folder = tmp_path_factory.mktemp("live-server")
    server = LiveServer(
        env={
            "SCREENING_DATABASE_URL": f"sqlite:///{folder / 'screening.db'}",
            "SCREENING_MODEL_DIR": str(folder / "no-models"),
            "SCREENING_PARSE_SECONDS": str(PARSE_SECONDS),
            "SCREENING_API_KEYS": f"{API_KEY}={BUREAU}",
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
