"""The pipeline: material and category resolution, forms, the report's shape, and the verdict."""

import pytest

from screening import pipeline
from screening.campaigns import get_campaign
from screening.errors import MaterialNotFound, UsageError
from screening.pipeline import ScreenInputs, Services, screen_source
from tests.checks.materials import CAMPAIGN, CATEGORY, SECTIONS, material, material_text
from tests.factories import make_docx, make_form_docx

CONTENT_CHECKS = {"length", "elements", "quantities", "claims", "eligibility"}


def screen(document, campaign, **kwargs):
    """The report alone (``pipeline.screen`` also returns the screened document), over the bare library service."""
    return pipeline.screen(document, campaign, **kwargs).report


def screen_file(data, **kwargs):
    return screen_source(Services(), data, **kwargs).report


@pytest.fixture
def content_only(monkeypatch):
    """Screen with the content checks alone, so the verdict depends only on what this module owns."""
    monkeypatch.setattr(pipeline, "later_steps", lambda: ())


@pytest.fixture(scope="module")
def campaign():
    return get_campaign(CAMPAIGN)


def test_well_formed_material_passes(campaign, content_only):
    report = screen(material(), campaign, category=CATEGORY)
    assert report.verdict == "pass", [f.message for f in report.findings if f.severity != "info"]
    assert report.material == "detailed" and report.declared_category == CATEGORY
    assert {name for name in CONTENT_CHECKS if getattr(report, name) is not None} == CONTENT_CHECKS
    assert report.category_suggestion is None and report.duplicates is None  # the later steps did not run


def test_missing_element_rejects(campaign, content_only):
    report = screen(material(drop="problems"), campaign, category=CATEGORY)
    assert report.verdict == "reject"
    assert [f.code for f in report.findings if f.severity == "error"] == ["elements.missing"]


def test_findings_are_sorted_by_severity(campaign, content_only):
    report = screen(material(drop="problems", with_figures=False), campaign, category=CATEGORY)
    order = [f.severity for f in report.findings]
    assert order == sorted(order, key=["error", "warning", "info"].index)


def test_json_contract(campaign, content_only):
    data = screen(material(), campaign, category=CATEGORY).to_json_dict()
    assert data["schema"] == "screening.report/2"
    assert data["declared_category"] == CATEGORY and "category" not in data
    assert data["campaign"]["notice_number"] == "广电办发〔2025〕45号"
    assert {"length", "elements", "quantities", "claims"} <= set(data)
    mention = data["quantities"]["mentions"][0]
    assert {"span", "start", "end", "value", "unit", "kind", "comparative", "approx"} <= set(mention)


def test_unknown_category_is_a_finding_not_an_exception(campaign, content_only):
    report = screen(material(), campaign, category="不存在的类别")
    assert "eligibility.unknown_category" in [f.code for f in report.findings]
    assert report.verdict == "reject"


def test_unknown_material_raises(campaign):
    with pytest.raises(MaterialNotFound):
        screen(material(), campaign, material="附件九")


def test_bad_submission_date_is_a_usage_error(campaign):
    with pytest.raises(UsageError):
        screen(material(), campaign, inputs=ScreenInputs(submitted_on="去年"))


def test_material_by_name_and_its_limit(campaign, content_only):
    report = screen(material(), campaign, category=CATEGORY, material="综合材料")
    assert report.material == "summary"
    assert "length.over_limit" in [f.code for f in report.findings]  # ~1900 字 against a 1000 字 limit


def test_docx_file_is_screened(content_only):
    sections = [(heading, 1, [body]) for _, heading, _, body in SECTIONS]
    data = make_docx(title="某市融媒体客户端建设", sections=sections)
    report = screen_file(data, filename="材料.docx", campaign_id=CAMPAIGN, category=CATEGORY)
    assert report.document.format == "docx"
    statuses = {e.id: e.status for e in report.elements.elements}
    assert set(statuses.values()) == {"covered"}


def test_form_field_is_screened_as_its_material(content_only):
    body = material_text(filler_chars=0)
    data = make_form_docx(
        {
            "案例名称": "某市智慧广电服务",
            "征集类别": "智慧家庭",
            "申报单位": "某市广播电视台",
            "案例简介": "平台为全市家庭提供智慧服务，覆盖用户12万户。",
            "申报材料": body,
        }
    )
    report = screen_file(data, filename="申报表.docx", campaign_id="nrta-2024-smart-network-services")
    assert report.length.count < 1500  # the 申报材料 field, not the whole form
    assert report.document.unit is None or report.document.unit == "某市广播电视台"
    summary = screen_file(
        data, filename="申报表.docx", campaign_id="nrta-2024-smart-network-services", material="summary"
    )
    assert summary.length.count < 40


@pytest.mark.slow
def test_real_later_steps_run(campaign):
    report = screen(material(), campaign, category=CATEGORY)
    assert report.category_suggestion is not None and report.duplicates is not None
    assert report.declared_category == CATEGORY  # the suggestion block no longer overwrites it
    assert report.to_json_dict()["category_suggestion"]["ranked"][0]["probability"] > 0
    assert [f for f in report.findings if f.check in CONTENT_CHECKS and f.severity != "info"] == []


def test_renderers_show_the_same_report(campaign, content_only):
    from screening.render import html_body, render
    from screening.render.html import highlighted_segments

    text = material_text() + "\n节目播出后反响热烈。"
    from screening.documents import from_text

    report = screen(from_text(text), campaign, category=CATEGORY)
    fragment = html_body(report, text=text)
    assert "<html" not in fragment and 'id="finding-1"' in fragment
    segments = highlighted_segments(report, text)
    assert "".join(s["text"] for s in segments) == text  # cutting at evidence boundaries loses nothing
    marked = [s for s in segments if s["findings"]]
    assert any("反响热烈" in s["text"] for s in marked)
    for fmt in ("text", "md"):
        assert "需修改" in render(report, fmt)
