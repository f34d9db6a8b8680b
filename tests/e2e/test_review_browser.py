"""The review desk in a real headless Chromium (Debian's /usr/bin/chromium via Playwright, as tests/e2e/test_browser.py):
a bureau submits (报送) its batch from its batch page, a reviewer logs in, reads the queue sorted by risk, filters it,
opens a duplicate with both sides shown, and records a decision that then shows in the history and the queue.

The page's console is watched for Content-Security-Policy refusals: the pages must work under the policy."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from tests.api.helpers import CAMPAIGN, make_settings
from tests.api.server import running
from tests.e2e.helpers import NEEDS_CHROMIUM
from tests.review.materials import project_docx

pytestmark = NEEDS_CHROMIUM
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_settings(
        tmp_path_factory.mktemp("e2e-review"),
        SCREENING_API_KEYS="jl-key=吉林省广播电视局,fj-key=福建省广播电视局",
        SCREENING_REVIEWER_KEYS=f"rev-key=王评审:{CAMPAIGN}",
    )
    with running(create_app(settings)) as base:
        yield base


def finished_batch(base: str, key: str, files: dict[str, bytes]) -> str:
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as api:
        created = api.post(
            "/api/batches",
            data={"campaign": CAMPAIGN},
            files=[("files", (name, data, DOCX)) for name, data in files.items()],
        )
        assert created.status_code == 202, created.text
        batch_id = created.json()["id"]
        for _ in range(600):
            if api.get(f"/api/batches/{batch_id}").json()["status"] in ("done", "failed"):
                break
            import time

            time.sleep(0.2)
        rows = api.get(f"/api/batches/{batch_id}/result").json()["rows"]
        assert api.put(f"/api/batches/{batch_id}/edits", json={"order": [r["id"] for r in rows]}).status_code == 200
        return batch_id


@pytest.fixture(scope="module")
def batches(server):
    jl = finished_batch(
        server,
        "jl-key",
        {
            "社区.docx": project_docx("智慧社区服务平台", "长春市融媒体中心", 11),
            "乡村.docx": project_docx("乡村应急广播网", "吉林市广播电视台", 12),
        },
    )
    fj = finished_batch(
        server,
        "fj-key",
        {
            "社区.docx": project_docx("智慧社区便民服务平台", "福州市融媒体中心", 11),
            "海洋.docx": project_docx("海洋频道融合传播", "厦门广电集团", 13),
        },
    )
    submitted = httpx.post(f"{server}/api/submissions", json={"batch_id": jl}, headers={"X-API-Key": "jl-key"})
    assert submitted.status_code == 201, submitted.text
    return {"jl": jl, "fj": fj}


def watched_page(browser):
    page = browser.new_page()
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("dialog", lambda dialog: dialog.accept())  # the 报送 confirmation
    return page, refusals


def test_a_bureau_submits_its_batch_from_the_batch_page(server, browser, batches):
    page, refusals = watched_page(browser)
    page.goto(server + "/batches")
    page.fill("#api_key", "fj-key")
    page.click("#login-form button")
    page.wait_for_selector("#batch-form")
    page.goto(f"{server}/batches/{batches['fj']}")
    page.click("#submit-batch")
    page.wait_for_selector("#submitted")
    assert "冻结" in page.inner_text("#submitted")
    listed = httpx.get(f"{server}/api/submissions", headers={"X-API-Key": "fj-key"}).json()
    assert [s["batch_id"] for s in listed] == [batches["fj"]]
    assert refusals == []
    page.close()


def test_a_reviewer_works_through_the_queue(server, browser, batches):
    page, refusals = watched_page(browser)
    page.goto(server + "/review")
    page.fill("#api_key", "rev-key")
    page.click("#review-login")
    page.wait_for_selector("#calls")
    assert page.inner_text("#reviewer") == "王评审"
    page.click(f"a[href='/review/calls/{CAMPAIGN}']")
    page.wait_for_selector("#queue")

    rows = page.locator("tr.queue-row")
    assert rows.count() == 4
    risks = [int(rows.nth(i).get_attribute("data-risk")) for i in range(rows.count())]
    assert risks == sorted(risks, reverse=True)
    flagged = page.locator("tr.queue-row:has(span[data-flag='duplicate'])")
    assert flagged.count() == 2
    assert {flagged.nth(i).get_attribute("data-bureau") for i in range(2)} == {"吉林省广播电视局", "福建省广播电视局"}

    page.select_option("#f-bureau", "福建省广播电视局")
    page.click("#apply-filter")
    page.wait_for_selector("#queue")
    assert {rows.nth(i).get_attribute("data-bureau") for i in range(rows.count())} == {"福建省广播电视局"}
    assert page.inner_text("#shown") == "2"

    page.click("tr.queue-row:has(span[data-flag='duplicate']) a")
    page.wait_for_selector("#flags")
    duplicate = page.locator(".finding[data-flag='duplicate']")
    assert "吉林省广播电视局" in duplicate.inner_text()
    assert duplicate.locator(".ours blockquote").count() >= 1 and duplicate.locator(".theirs blockquote").count() >= 1
    assert "智慧社区服务平台" in duplicate.locator(".theirs").inner_text()  # the other bureau's record beside ours

    page.select_option("#decision", "doubt")
    page.fill("#note", "与吉林报送的案例疑似同一项目，请两地说明")
    page.click("#decide")
    page.wait_for_selector("#saved")
    assert page.inner_text("#current-decision") == "存疑"
    assert "与吉林报送的案例疑似同一项目" in page.inner_text("#history") and "王评审" in page.inner_text("#history")

    page.click("text=← 审查队列")
    page.wait_for_selector("#queue")
    assert "存疑" in page.inner_text("#queue")
    assert refusals == []
    page.close()
