"""Start-up warm-up: health answers 503 "warming" until it is done, then 200; a failed warm-up is a degraded line."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from api import warmup
from api.app import create_app
from screening.campaigns import all_campaigns
from screening.services import Services
from tests.api.helpers import make_settings


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
    assert state.screens == sum(1 + len(c.categories) for c in calls) + len(calls)  # + the domain material each


def test_domain_material_is_a_usual_length_docx_of_the_training_passages():
    from screening.documents import load_document

    document = load_document(warmup.domain_docx(), filename="预热.docx")
    assert len(document.text) >= warmup.WARM_UP_CHARS and "12万人" in document.text
    assert len(document.text) > 2 * len(load_document(warmup.warm_up_docx(), filename="预热.docx").text)


def test_warm_up_document_is_a_docx_the_reader_accepts():
    from screening.documents import load_document

    document = load_document(warmup.warm_up_docx(), filename="预热.docx")
    assert document.title and "12万人" in document.text and len(document.text) > 100


def test_warm_up_prepares_the_archive_s_form_blanked_candidates_and_screens_a_stored_text(tmp_path):
    from screening.duplicates import get_index
    from screening.duplicates.index import FORM_RECORDS
    from tests.duplicates.texts import FORM_LINE, distinct_texts

    services = Services.build(make_settings(tmp_path))
    rows = [
        {"kind": "selection", "year": 2024, "campaign": "往届征集", "case_name": f"案例{i}", "unit": f"单位{i}"}
        | {"text": FORM_LINE + body}
        for i, body in enumerate(distinct_texts(FORM_RECORDS))
    ]
    services.archive.add(rows)
    state = warmup.WarmUp(services)
    state.run()
    assert state.status == "ready", state.error
    assert state.prepared == FORM_RECORDS
    assert state.screens == sum(2 + len(c.categories) for c in services.campaigns()) + 1  # + one stored text
    assert len(get_index(services.archive)._blanked) == FORM_RECORDS


def test_warm_up_ends_with_a_screen_through_the_app_itself(tmp_path, monkeypatch):
    """The last step sends one POST /api/screen through the app on its own event loop, before health says ready:
    the route's first-use costs are paid then, not by the first user. Seen from the route: it ran once, with the
    warm-up's document, and the screening limiter it makes exists by the time the warm-up is done."""
    from api.routers import screen as screen_router

    calls = []
    real = screen_router.screen_source
    monkeypatch.setattr(screen_router, "screen_source", lambda *a, **k: calls.append(k["filename"]) or real(*a, **k))
    with TestClient(create_app(make_settings(tmp_path))) as client:
        assert client.app.state.warm_up.wait(300)
        assert client.app.state.warm_up.status == "ready"
        assert calls == ["预热.docx"]
        assert client.app.state.screen_slots is not None
