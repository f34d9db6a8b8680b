"""Twenty uploads at once over real HTTP: every one answered, each with its own material's report."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from api.app import create_app
from tests.api.helpers import CAMPAIGN, make_settings
from tests.api.server import running
from tests.factories import chinese_text, make_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARALLEL = 20


def material(n: int) -> bytes:
    """Material n has a title naming it and n×20 more characters than material 0, so answers cannot be swapped."""
    return make_docx(title=f"并发测试案例{n:02d}", sections=[("一、总体情况", 1, chinese_text(200 + n * 20))])


def test_twenty_parallel_uploads_are_each_answered_correctly(tmp_path):
    app = create_app(make_settings(tmp_path))
    with running(app) as base, httpx.Client(base_url=base, timeout=120) as client:
        client.post("/api/screen", data={"campaign": CAMPAIGN}, files={"file": ("warm.docx", material(0), DOCX)})

        def upload(n: int) -> tuple[int, httpx.Response]:
            return n, client.post(
                "/api/screen", data={"campaign": CAMPAIGN}, files={"file": (f"材料{n:02d}.docx", material(n), DOCX)}
            )

        with ThreadPoolExecutor(PARALLEL) as pool:
            answers = list(pool.map(upload, range(1, PARALLEL + 1)))
    counts = {}
    for n, response in answers:
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["document"]["filename"] == f"材料{n:02d}.docx"
        assert report["document"]["title"] == f"并发测试案例{n:02d}"
        counts[n] = report["length"]["count"]
    assert [counts[n] for n in sorted(counts)] == sorted(counts.values())  # longer material, larger count
    assert len(set(counts.values())) == PARALLEL


def test_screenings_beyond_the_configured_number_wait_their_turn(tmp_path, monkeypatch):
    """``SCREENING_CONCURRENT_SCREENS``: at most that many screenings run at once (api.capacity); the rest are
    answered after them, none refused."""
    import threading
    import time

    from api.routers import screen as screen_router

    active, most = [0], [0]
    lock = threading.Lock()
    real = screen_router.screen_source

    def counted(*args, **kwargs):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.3)  # long enough for the other uploads to arrive while this one runs
            return real(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(screen_router, "screen_source", counted)
    app = create_app(make_settings(tmp_path, SCREENING_CONCURRENT_SCREENS="2"))
    with running(app) as base, httpx.Client(base_url=base, timeout=120) as client:

        def upload(n: int) -> httpx.Response:
            files = {"file": (f"材料{n:02d}.docx", material(n), DOCX)}
            return client.post("/api/screen", data={"campaign": CAMPAIGN}, files=files)

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(upload, range(1, 7)))
    assert [response.status_code for response in answers] == [200] * 6
    assert most[0] == 2
