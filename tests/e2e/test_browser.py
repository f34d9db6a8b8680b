"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download).

The applicant's path: open the page, choose the call, upload a DOCX, read the verdict off the report page; and the
bureau's: enter the key, upload two materials, watch the batch finish, see the table and the quota.
"""

from __future__ import annotations

import re

import httpx
import pytest

from api.app import create_app
from tests.api.docs import form_docx, material_docx
from tests.api.helpers import CAMPAIGN, make_settings
from tests.api.server import running
from tests.e2e.helpers import NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM
VERDICT_LABELS = {"pass": "可推荐", "revise": "需修改", "reject": "不符合要求"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("e2e"), SCREENING_API_KEYS="e2e-key=测试省广播电视局")
    with running(create_app(settings)) as base:
        yield base


def test_applicant_uploads_a_docx_and_reads_the_verdict(server, browser, tmp_path):
    path = tmp_path / "我的案例.docx"
    path.write_bytes(material_docx("浏览器测试案例"))
    expected = httpx.post(
        f"{server}/api/screen",
        data={"campaign": CAMPAIGN, "category": "新媒体平台建设"},
        files={"file": (path.name, path.read_bytes())},
        timeout=120,
    ).json()["verdict"]

    page = browser.new_page()
    page.goto(server + "/")
    page.select_option("#campaign", CAMPAIGN)
    assert "新媒体平台建设" in page.inner_text("#category")  # the categories follow the chosen call
    page.select_option("#category", "新媒体平台建设")
    page.set_input_files("#file", str(path))
    page.click("#submit")
    page.wait_for_selector("#verdict", timeout=120_000)
    banner = page.locator("#verdict")
    assert banner.get_attribute("data-verdict") == expected
    assert VERDICT_LABELS[expected] in banner.inner_text()
    assert "我的案例.docx" in page.content()
    page.close()


def test_a_rejected_file_shows_its_message_on_the_form(server, browser, tmp_path):
    path = tmp_path / "改名的程序.pdf"
    path.write_bytes(b"MZ" + b"\x00" * 200)
    page = browser.new_page()
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("#submit")
    page.wait_for_selector("#error")
    assert "扩展名" in page.inner_text("#error")
    page.close()


def test_bureau_runs_a_batch_in_the_browser(server, browser, tmp_path):
    files = []
    for name, case, unit in (
        ("甲.docx", "智慧社区服务平台", "长春市融媒体中心"),
        ("乙.docx", "县级融媒体改革", "吉林市广播电视台"),
    ):
        files.append(tmp_path / name)
        files[-1].write_bytes(form_docx(case, unit))
    page = browser.new_page()
    page.goto(server + "/batches")
    page.fill("#api_key", "e2e-key")
    page.click("#login-form button")
    page.wait_for_selector("#batch-form")
    page.select_option("#campaign", CAMPAIGN)
    page.set_input_files("#files", [str(p) for p in files])
    page.click("#batch-form button[type=submit]")
    page.wait_for_selector('#progress[data-status="done"]', timeout=120_000)
    assert "智慧社区服务平台" in page.inner_text("#order-form")
    assert re.search(r"类别“新媒体平台建设”：\s*\d / 4", page.inner_text("#quota"))
    assert re.search(r"推荐总数：\s*\d / 12", page.inner_text("#quota"))
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename.endswith("推荐排序表.xlsx")
    page.close()
