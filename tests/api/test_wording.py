"""The web page's own words: without a declared category it says how to choose one on the page (never a CLI flag)
and names the category the content suggests, with its probability."""

from __future__ import annotations

import re

from tests.api.docs import material_docx
from tests.api.helpers import CAMPAIGN

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_report_page_without_a_category_speaks_web_and_states_the_suggestion(client):
    response = client.post(
        "/report",
        data={"campaign": CAMPAIGN, "material": "detailed"},
        files={"file": ("案例.docx", material_docx(), DOCX)},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    page = response.text
    assert "未声明申报类别" in page and "“申报类别”中选择" in page
    assert not re.search(r"--[a-z]", page.replace("<!--", "").replace("-->", ""))
    assert re.search(r"按内容建议的类别：“[^”]+”（可能性 \d+%）", page)
    assert page.count("以便按该类别的要素检查") == 1  # said once, not by two checks


def test_the_json_api_keeps_the_checks_neutral_words(client):
    response = client.post(
        "/api/screen",
        data={"campaign": CAMPAIGN, "material": "detailed"},
        files={"file": ("案例.docx", material_docx(), DOCX)},
    )
    assert response.status_code == 200
    finding = next(f for f in response.json()["findings"] if f["code"] == "eligibility.category_not_declared")
    assert finding["suggestion"] == "请指明申报类别，以便按该类别的要素检查。"
