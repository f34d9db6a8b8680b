"""Hardening of every page: security headers on every kind of response, templates without inline script (so the
CSP holds), failed key attempts rate-limited per client and logged, and cookies counted like headers."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access import MAX_FAILURES, KeyGuard
from api.security import CONTENT_SECURITY_POLICY
from tests.api.helpers import make_settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "api" / "templates", ROOT / "screening" / "render" / "templates"]
KEYS = "jl-key=吉林省广播电视局"
REVIEWERS = "rev-key=王评审:*"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def app(tmp_path):
    from api.app import create_app

    return create_app(make_settings(tmp_path, SCREENING_API_KEYS=KEYS, SCREENING_REVIEWER_KEYS=REVIEWERS))


@pytest.fixture()
def clock(app):
    fake = Clock()
    app.state.key_guard = KeyGuard(clock=fake)
    return fake


@pytest.fixture()
def client(app, clock):
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.app.state.warm_up.wait()  # health answers 503 "warming" until the start-up warm-up is done
        yield test_client


def assert_secured(response) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script.split() == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") == "same-origin"


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/batches", 200),
        ("/review", 200),
        ("/docs", 200),
        ("/openapi.json", 200),
        ("/api/health", 200),
        ("/api/campaigns", 200),
        ("/static/site.js", 200),
        ("/static/review.css", 200),
        ("/no-such-page", 404),
        ("/api/batches", 401),
        ("/api/review/calls", 401),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(client, path, status):
    response = client.get(path, headers={"Accept": "text/html"} if not path.startswith("/api") else {})
    assert response.status_code == status
    assert_secured(response)


def test_error_responses_and_unexpected_errors_carry_them_too(app, client):
    @app.get("/api/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/api/boom-for-test")
    assert response.status_code == 500 and response.json()["code"] == "internal"
    assert_secured(response)
    assert_secured(client.post("/api/screen", data={}))  # 422


def test_swagger_ui_is_not_served_since_the_policy_would_block_it(client):
    assert client.get("/docs/swagger").status_code == 404


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", [p for d in TEMPLATE_DIRS for p in sorted(d.glob("*.htm*"))], ids=lambda p: p.name)
def test_templates_have_no_inline_script_handlers_or_javascript_urls(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not INLINE_HANDLER.search(text), "inline event handler"
    assert "javascript:" not in text.lower()


def test_the_policy_itself_forbids_inline_script_and_framing():
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "object-src 'none'" in CONTENT_SECURITY_POLICY


# --- failed key attempts -----------------------------------------------------------------------------------------


def test_failed_keys_are_rate_limited_per_client_and_logged(client, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="api.access"):
        for _ in range(MAX_FAILURES):
            assert client.get("/api/batches", headers={"X-API-Key": "guess"}).status_code == 401
    failures = [r for r in caplog.records if "密钥验证失败" in r.getMessage()]
    assert len(failures) >= MAX_FAILURES and "testclient" in failures[0].getMessage()
    assert all("guess" not in r.getMessage() for r in caplog.records)  # the key tried is never logged
    blocked = client.get("/api/batches", headers={"X-API-Key": "jl-key"})  # even the right key, for now
    assert blocked.status_code == 429 and blocked.json()["code"] == "too_many_attempts"
    assert int(blocked.headers["retry-after"]) > 0 and "分钟后再试" in blocked.json()["message"]
    assert client.get("/api/review/calls", headers={"X-API-Key": "rev-key"}).status_code == 429
    assert client.get("/api/campaigns").status_code == 200  # nothing else is blocked
    clock.now += 301  # the window has passed
    assert client.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 200


def test_the_limit_is_per_client(app, clock):
    with TestClient(app, client=("10.0.0.1", 5000)) as attacker, TestClient(app, client=("10.0.0.2", 5000)) as other:
        for _ in range(MAX_FAILURES):
            attacker.get("/api/batches", headers={"X-API-Key": "guess"})
        assert attacker.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 429
        assert other.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 200


def test_valid_keys_do_not_count_and_a_missing_key_is_not_an_attempt(client):
    for _ in range(MAX_FAILURES + 2):
        assert client.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 200
        assert client.get("/api/batches").status_code == 401
    assert client.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 200


def test_login_forms_and_key_cookies_count_as_attempts(client):
    for _ in range(MAX_FAILURES // 2):
        assert client.post("/batches/login", data={"api_key": "guess"}).status_code == 401
        assert client.post("/review/login", data={"api_key": "guess"}).status_code == 401
    page = client.post("/batches/login", data={"api_key": "jl-key"})
    assert page.status_code == 429 and "分钟后再试" in page.text
    assert client.post("/review/login", data={"api_key": "rev-key"}).status_code == 429


def test_guessing_through_the_cookie_is_capped_like_the_header(client):
    for _ in range(MAX_FAILURES):
        client.cookies.set("screening_key", "guess")
        assert "当前机构" not in client.get("/batches").text
    client.cookies.set("screening_key", "jl-key")
    assert "当前机构" not in client.get("/batches").text  # blocked: treated as logged out
    assert client.get("/api/batches", headers={"X-API-Key": "jl-key"}).status_code == 429


def test_a_key_configured_for_both_roles_works_for_neither_and_is_logged(tmp_path, caplog):
    from api.app import create_app

    settings = make_settings(
        tmp_path, SCREENING_API_KEYS="same=吉林省广播电视局", SCREENING_REVIEWER_KEYS="same=王评审:*,lost=李评审"
    )
    with caplog.at_level(logging.WARNING, logger="api.access"):
        app = create_app(settings)
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "同时配置为机构密钥和评审密钥" in warnings and "李评审" in warnings
    with TestClient(app) as client:
        assert client.get("/api/batches", headers={"X-API-Key": "same"}).status_code == 401
        assert client.get("/api/review/calls", headers={"X-API-Key": "same"}).status_code == 401


def test_without_reviewer_keys_the_review_desk_is_closed(tmp_path):
    from api.app import create_app

    with TestClient(create_app(make_settings(tmp_path))) as client:
        response = client.get("/api/review/calls", headers={"X-API-Key": "anything"})
        assert response.status_code == 403 and "SCREENING_REVIEWER_KEYS" in response.json()["message"]
