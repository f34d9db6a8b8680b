"""Upload limits enforced while the body streams, not only from Content-Length; and a batch outlives a restart."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from screening.batch import Source
from screening.batch.store import BatchStore
from screening.db import get_engine
from tests.api.docs import material_docx
from tests.api.helpers import CAMPAIGN, key, make_settings, wait_for_batch


@pytest.fixture()
def small(tmp_path):
    """An app whose files may be at most 1 MB (so a request body at most ~2 MB)."""
    settings = make_settings(tmp_path, SCREENING_MAX_FILE_MB="1")
    with TestClient(create_app(settings)) as client:
        yield client, settings


def multipart(size: int) -> tuple[bytes, str]:
    boundary = "limitboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="campaign"\r\n\r\n{CAMPAIGN}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    return head + b"a" * size + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_declared_length_over_the_limit_is_refused_at_once(small):
    client, _ = small
    body, content_type = multipart(3 * 1024 * 1024)
    response = client.post("/api/screen", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 413 and "上限" in response.json()["message"]


def test_chunked_body_without_length_is_cut_while_streaming(small):
    client, _ = small
    body, content_type = multipart(3 * 1024 * 1024)

    def chunks():  # no Content-Length: httpx sends Transfer-Encoding: chunked
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = client.post("/api/screen", content=chunks(), headers={"Content-Type": content_type})
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"


def test_file_just_over_the_per_file_limit(small):
    client, _ = small
    response = client.post(
        "/api/screen", data={"campaign": CAMPAIGN}, files={"file": ("big.txt", b"a" * (1024 * 1024 + 10), "text/plain")}
    )
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"


def test_bureau_endpoints_closed_without_configured_keys(tmp_path):
    settings = make_settings(tmp_path, SCREENING_API_KEYS="")
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/batches", headers=key())
        assert response.status_code == 403 and "SCREENING_API_KEYS" in response.json()["message"]


def test_unfinished_batch_resumes_after_a_restart(tmp_path):
    """A batch stored by a process that died before screening it is finished by the next process."""
    settings = make_settings(tmp_path)
    store = BatchStore(get_engine(settings.database_url))
    sources = [Source("一.docx", material_docx("案例一")), Source("二.docx", material_docx("案例二"))]
    info = store.create(owner="吉林省广播电视局", campaign_id=CAMPAIGN, sources=sources)
    store.mark(info.id, "running")  # as a crashed process leaves it
    with TestClient(create_app(settings)) as client:  # start-up recovers it
        state = wait_for_batch(client, info.id, headers=key())
    assert state["status"] == "done" and state["progress"]["done"] == 2


def test_batch_for_a_removed_call_fails_clearly(tmp_path):
    settings = make_settings(tmp_path)
    store = BatchStore(get_engine(settings.database_url))
    info = store.create(
        owner="吉林省广播电视局", campaign_id="withdrawn-call", sources=[Source("一.txt", "正文".encode())]
    )
    with TestClient(create_app(settings)) as client:
        state = wait_for_batch(client, info.id, headers=key())
    assert state["status"] == "failed" and "withdrawn-call" in state["error"]
