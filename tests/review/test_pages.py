"""The review desk's pages without a browser: login, the import form (refusals shown on the form, nothing stored),
the queue, the item page with its decision form, the export link, and pages closed to bureau keys."""

from __future__ import annotations

import re

import pytest

from tests.api.helpers import CAMPAIGN, key
from tests.review.materials import project_docx, zip_of

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def reviewer(client):
    assert client.post("/review/login", data={"api_key": "wrong"}).status_code == 401
    response = client.post("/review/login", data={"api_key": "rev-key"}, follow_redirects=False)
    assert response.status_code == 303 and "screening_reviewer" in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()
    return client


def import_form(client, bureau: str, data: bytes, received_on: str = ""):
    return client.post(
        "/review/imports",
        data={"campaign": CAMPAIGN, "bureau": bureau, "unit_kind": "province", "received_on": received_on},
        files={"file": ("材料.zip", data, "application/zip")},
        follow_redirects=False,
    )


def test_the_home_page_lists_the_assigned_calls_and_known_bureaus(reviewer):
    page = reviewer.get("/review").text
    assert "王评审" in page and f"/review/calls/{CAMPAIGN}" in page
    assert "jilin-2024-media-convergence" not in page  # not assigned to this reviewer
    assert "福建省广播电视局" in page and "中央广播电视总台" in page


def test_a_bad_import_is_refused_on_the_form_and_stores_nothing(reviewer):
    data = zip_of({"甲.docx": project_docx("页面导入的案例", "某市融媒体中心", 4242)})
    unknown = import_form(reviewer, "火星省广播电视局", data)
    assert unknown.status_code == 422 and "未知的报送机构" in unknown.text
    bad_date = import_form(reviewer, "吉林省广播电视局", data, received_on="四月十日")
    assert bad_date.status_code == 422 and "年-月-日" in bad_date.text
    assert reviewer.get("/api/submissions", headers=key("rev-key")).json() == []


def test_an_import_then_the_queue_the_item_a_decision_and_the_export(reviewer):
    data = zip_of({"甲.docx": project_docx("页面导入的案例", "某市融媒体中心", 4242)})
    done = import_form(reviewer, "吉林省广播电视局", data, received_on="2025-04-01")
    assert done.status_code == 303 and done.headers["location"].startswith(f"/review/calls/{CAMPAIGN}")
    queue = reviewer.get(done.headers["location"]).text
    assert "已导入报送" in queue and "页面导入的案例" in queue
    item_id = re.search(r'href="/review/items/([0-9a-f]{32})"', queue).group(1)
    item = reviewer.get(f"/review/items/{item_id}")
    assert item.status_code == 200 and "吉林省广播电视局" in item.text and 'id="decision-form"' in item.text
    refused = reviewer.post(f"/review/items/{item_id}/decisions", data={"decision": "随便", "note": ""})
    assert refused.status_code == 422 and "形式审查通过" in refused.text
    saved = reviewer.post(
        f"/review/items/{item_id}/decisions", data={"decision": "doubt", "note": "请补充"}, follow_redirects=True
    )
    assert saved.status_code == 200 and "审查结论已记录" in saved.text and "请补充" in saved.text
    export = reviewer.get(f"/review/calls/{CAMPAIGN}/export.csv")
    assert export.status_code == 200 and "存疑" in export.content.decode("utf-8-sig")
    assert reviewer.get(f"/review/items/{item_id}/file").content[:2] == b"PK"
    missing = reviewer.get("/review/items/" + "0" * 32, headers=HTML)
    assert missing.status_code == 404 and "找不到该条报送材料" in missing.text


def test_review_pages_send_anyone_without_a_reviewer_cookie_to_the_login(client):
    client.cookies.clear()
    client.cookies.set("screening_reviewer", "jl-key")  # a bureau key is not a reviewer key
    response = client.get(f"/review/calls/{CAMPAIGN}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/review"
    client.cookies.clear()
