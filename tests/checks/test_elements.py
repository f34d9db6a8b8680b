import numpy as np
import pytest

from screening.campaigns import get_campaign
from screening.checks.base import CheckContext
from screening.checks.elements import _category_to_check, heading_elements, match_elements
from screening.documents import from_text

from .helpers import codes
from .materials import CATEGORY, SECTIONS, material


def _statuses(ctx):
    return {e["id"]: e["status"] for e in ctx.results["elements"].measurement["elements"]}


@pytest.mark.parametrize("headings", ["notice", "other", "none"])
def test_well_formed_material_covers_every_element(run_checks, headings):
    ctx = run_checks(material(headings=headings))
    assert set(_statuses(ctx).values()) == {"covered"}
    assert codes(ctx.results["elements"], "error") == codes(ctx.results["elements"], "warning") == []


@pytest.mark.parametrize("headings", ["notice", "none"])
def test_missing_problems_element_is_reported_missing(run_checks, headings):
    ctx = run_checks(material(headings=headings, drop="problems"))
    statuses = _statuses(ctx)
    assert statuses.pop("problems") == "missing"
    assert set(statuses.values()) == {"covered"}
    (finding,) = [f for f in ctx.results["elements"].findings if f.code == "elements.missing"]
    assert "问题困难及破解办法" in finding.message and finding.severity == "error"


def test_covered_element_reports_its_section_with_offsets(run_checks):
    doc = material()
    report = next(e for e in run_checks(doc).results["elements"].measurement["elements"] if e["id"] == "results")
    (section,) = report["sections"]
    assert section["heading"] == "三、成效成果与社会反响"
    assert doc.text[section["start"] :].startswith("三、成效成果与社会反响")
    assert 0 < report["confidence"] <= 1


def test_heading_in_other_words(campaign):
    elements = campaign.category(CATEGORY).elements
    assert heading_elements("一、案例背景", elements) == ["overview"]
    assert heading_elements("（二）主要做法", elements) == ["practice"]
    assert heading_elements("三、取得成效", elements) == ["results"]
    assert set(heading_elements("五、不足与展望", elements)) == {"problems", "lessons"}
    assert heading_elements("二、主要做法与成效", elements) == ["practice", "results"]


def test_out_of_order_and_unmatched_sections(run_checks):
    text = (
        "一、成效成果与社会反响\n客户端累计发布原创稿件5.2万条，播放量达到13.6亿次，经营收入3541.07万元。\n"
        "二、总体情况\n某市广播电视台于2019年启动客户端建设，整合全台12个频道频率，现有注册用户186万。\n"
        "三、单位荣誉\n本台曾多次获得上级表彰，相关证书附后，供评审参考，此处不再逐一列出全部名称。"
    )
    measurement = run_checks(from_text(text)).results["elements"].measurement
    assert measurement["out_of_order"] == ["results"]
    assert [s["heading"] for s in measurement["unmatched_sections"]] == ["三、单位荣誉"]


def test_call_without_elements_says_so(run_checks):
    campaign = get_campaign("nrta-2020-smart-broadcasting-demo")
    result = run_checks(material(), campaign=campaign, category=None).results["elements"]
    assert codes(result) == ["elements.not_specified"] and result.measurement["specified"] is False


def test_undeclared_category_checks_the_closest_one(run_checks):
    result = run_checks(material(), category=None).results["elements"]
    assert result.measurement["category_assumed"] is True
    assert "elements.category_assumed" in codes(result, "info")


class _OneHotEmbedder:
    """Embeds a text by which of a few marker words it contains: enough to show similarity feeds the score."""

    markers = ("困难", "做法", "成效")

    def encode(self, texts):
        rows = np.array([[1.0 + (m in t) * 5 for m in self.markers] for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_embedder_adds_to_paragraph_scores(campaign):
    doc = from_text("平台建设过程中，克服了很多困难，逐步理顺了工作流程，相关部门也给予了支持。")
    elements = campaign.category(CATEGORY).elements
    without = match_elements(doc, elements)
    with_embedder = match_elements(doc, elements, embedder=_OneHotEmbedder())

    def score(m):
        report = next(e for e in m["elements"] if e["id"] == "problems")
        return max((p["score"] for p in report["paragraphs"]), default=0.0)

    assert score(with_embedder) > score(without)


def _sustainability_material():
    """The notice's headings of 融合生产传播 (sustainability, next steps), the second of the 2025 call's categories."""
    bodies = {element_id: body for element_id, _, _, body in SECTIONS}
    return from_text(
        "\n".join(
            [
                *("一、总体情况", bodies["overview"], "二、主要创新做法与实践", bodies["practice"]),
                *("三、成效成果与社会反响", bodies["results"], "四、可持续运营"),
                "平台已形成稳定的盈利模式，广告与政务服务收入覆盖运营成本，运营团队稳定，可持续运营有保障。",
                *("五、问题困难及破解办法", bodies["problems"], "六、下一步计划"),
                "下一步，我们将继续扩大服务范围，计划明年上线新功能，持续优化用户体验。",
            ]
        )
    )


@pytest.mark.parametrize(("make", "chosen"), [(material, 0), (_sustainability_material, 1)])
def test_category_tried_for_an_undeclared_material_keeps_its_own_match(make, chosen):
    # Trying the categories keeps each category's match; what comes back must be the chosen category's own match, and
    # the chosen category the first best-covered one.
    campaign = get_campaign("nrta-2025-media-convergence")
    doc = make()
    ctx = CheckContext(document=doc, campaign=campaign, material=campaign.default_material, category=None)
    category, assumed, matched = _category_to_check(ctx, None)
    scores = [
        sum({"covered": 1.0, "weak": 0.5}.get(e["status"], 0.0) for e in match_elements(doc, c.elements)["elements"])
        for c in campaign.categories
    ]
    assert assumed and category is campaign.categories[chosen] and scores.index(max(scores)) == chosen
    assert matched == match_elements(doc, category.elements)
