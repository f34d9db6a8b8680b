"""Hostile uploads against a live server: each gets its defined error (right code, right HTTP status, Chinese
message), and the server is still up and screening valid material afterwards, without its memory running away.

The server is a real ``uvicorn`` process (``conftest.live_server``), so a crash or hang in any layer - upload
limits, guard, parsers, pipeline, error handlers - shows here as it would in production.
"""

from __future__ import annotations

import re

import httpx
import psutil
import pytest

from screening import errors
from tests import hostile
from tests.robustness.helpers import API_KEY, CAMPAIGN, PARSE_SECONDS
from tests.robustness.known_bugs import marked

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT = PARSE_SECONDS + 30.0  # generous: a hang detector, not a speed test
RSS_GROWTH_BOUND_MB = 600  # after ~100 hostile uploads, beyond the warm server's size


def _statuses() -> dict[str, int]:
    """code -> HTTP status, from the exception hierarchy itself."""
    found, todo = {}, [errors.ScreeningError]
    while todo:
        cls = todo.pop()
        found[cls.code] = cls.status
        todo.extend(cls.__subclasses__())
    return found


STATUS = _statuses()


def _check_refusal(response: httpx.Response, case: hostile.Hostile) -> None:
    body = response.json()
    if hostile.OK in case.expect and response.status_code == 200:
        assert body["schema"] == "screening.report/2"
        return
    assert body.get("code") in case.expect, (response.status_code, body)
    assert response.status_code == STATUS[body["code"]], (response.status_code, body)
    assert CHINESE.search(body["message"]), body


@pytest.fixture(scope="module")
def baseline_rss(live_server):
    return psutil.Process(live_server.process.pid).memory_info().rss


# The probe (test_hostile_intake) runs the whole catalogue; over HTTP we skip the truncations and the slowest PDFs,
# which exercise no other server code than their siblings do, and the in-process variants (the server isolates).
API_CASES = [
    case
    for case in hostile.intake_cases()
    if "-cut" not in case.name
    and case.limits.get("isolate_pdf", True)
    and case.name not in ("pdf-huge-page", "pdf-5000-pages")
]


@pytest.mark.parametrize("case", marked(API_CASES))
def test_hostile_upload_is_refused_cleanly(live_server, baseline_rss, case):
    response = httpx.post(
        live_server.url + "/api/screen",
        data={"campaign": CAMPAIGN},
        files={"file": (case.filename, case.make())},
        timeout=TIMEOUT,
    )
    _check_refusal(response, case)


@pytest.mark.parametrize("case", marked(hostile.batch_zip_cases()))
def test_hostile_batch_zip_is_refused_as_a_whole(live_server, baseline_rss, case):
    response = httpx.post(
        live_server.url + "/api/batches",
        data={"campaign": CAMPAIGN},
        files={"files": (case.filename, case.make())},
        headers={"X-API-Key": API_KEY},
        timeout=TIMEOUT,
    )
    _check_refusal(response, case)


def test_server_still_serves_after_the_hostile_uploads(live_server, baseline_rss):
    """Runs after the two tests above (file order): alive, healthy, screening, memory bounded."""
    assert live_server.alive
    assert live_server.healthy()
    for name, data in [
        ("valid.docx", hostile.valid_docx()),
        ("valid.pdf", hostile.valid_pdf()),
        ("valid.txt", hostile.valid_text("gb18030")),
    ]:
        response = httpx.post(
            live_server.url + "/api/screen", data={"campaign": CAMPAIGN}, files={"file": (name, data)}, timeout=TIMEOUT
        )
        assert response.status_code == 200, response.text
        assert response.json()["document"]["filename"] == name
    growth = psutil.Process(live_server.process.pid).memory_info().rss - baseline_rss
    assert growth < RSS_GROWTH_BOUND_MB * 1024 * 1024, f"server RSS grew by {growth / 2**20:.0f} MB"


def test_oversized_upload_is_refused_while_streaming(live_server):
    """A body past the per-route limit is cut off at the limit (413), with or without a truthful Content-Length."""
    too_big = b"x" * (21 * 1024 * 1024)
    response = httpx.post(
        live_server.url + "/api/screen",
        data={"campaign": CAMPAIGN},
        files={"file": ("big.txt", too_big)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 413
    assert CHINESE.search(response.json()["message"])

    def chunks():  # no Content-Length at all: chunked transfer encoding
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        for _ in range(25):
            yield b"x" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    response = httpx.post(
        live_server.url + "/api/screen",
        content=chunks(),
        timeout=TIMEOUT,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413
    assert live_server.healthy()
