"""Start-up warm-up: health answers 503 "warming" until it is done, then 200; a failed warm-up is a degraded line."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from api import warmup
from api.app import create_app
from screening.campaigns import all_campaigns
from screening.services import Services
from tests.api.conftest import make_settings


def test_health_says_warming_until_the_warm_up_is_done(tmp_path, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(warmup.WarmUp, "_warm", lambda self: release.wait(60))
    with TestClient(create_app(make_settings(tmp_path))) as client:
        warming = client.get("/api/health")
        assert warming.status_code == 503
        assert warming.json()["status"] == "warming" and warming.json()["warm_up"]["status"] == "warming"
        release.set()
        assert client.app.state.warm_up.wait(60)
        ready = client.get("/api/health")
        assert ready.status_code == 200 and ready.json()["status"] in ("ok", "degraded")
        assert ready.json()["warm_up"]["status"] == "ready" and ready.json()["warm_up"]["seconds"] is not None


def test_failed_warm_up_is_reported_not_fatal(tmp_path, monkeypatch):
    def broken(self):
        raise RuntimeError("模拟的预热错误")

    monkeypatch.setattr(warmup.WarmUp, "_warm", broken)
    with TestClient(create_app(make_settings(tmp_path))) as client:
        assert client.app.state.warm_up.wait(60)
        body = client.get("/api/health").json()
        assert body["status"] == "degraded" and body["warm_up"]["status"] == "failed"
        assert any("预热失败" in note and "模拟的预热错误" in note for note in body["degraded"])


def test_warm_up_screens_every_call_and_category_through_the_docx_reader(tmp_path):
    settings = make_settings(tmp_path)
    state = warmup.WarmUp(Services.build(settings))
    state.run()
    assert state.status == "ready", state.error
    calls = all_campaigns(settings.campaigns_dir)
    assert state.screens == sum(1 + len(c.categories) for c in calls)


def test_warm_up_document_is_a_docx_the_reader_accepts():
    from screening.documents import load_document

    document = load_document(warmup.warm_up_docx(), filename="预热.docx")
    assert document.title and "12万人" in document.text and len(document.text) > 100
