"""Element roles come from the rulebook: a call that names its elements in its own words keeps the checks' behaviour.

The checks once asked for the element ids ``results`` and ``overview``; a rulebook with other ids silently lost the
figures that count as results, the opening paragraph's lean towards the overview, and plans flagged in the results.
The 2020 call's notice lists no elements, so its shipped rulebook has none; here it is given elements under ids of
its own (as a rulebook for a later call of that family might), with roles marked.
"""

from screening.campaigns import get_campaign
from screening.campaigns.model import Campaign
from screening.checks.elements import match_elements
from screening.documents import from_text

from .helpers import codes

ELEMENTS = [
    {"id": "profile", "name": "基本概况", "summary": "案例的基本情况。", "cues": ["基本概况"], "role": "opening"},
    {"id": "approach", "name": "实施路径", "summary": "怎样建设和运营。", "cues": ["实施路径"]},
    {"id": "achievements", "name": "应用效果", "summary": "已经取得的效果。", "cues": ["应用效果"], "role": "results"},
    {
        "id": "prospects",
        "name": "推广前景",
        "summary": "能否推广，今后怎样做。",
        "cues": ["推广前景"],
        "role": "future",
    },
]


def call_with_own_element_ids() -> Campaign:
    data = get_campaign("nrta-2020-smart-broadcasting-demo").model_dump()
    data["elements_specified"] = True
    data["materials"][0]["elements_required"] = True
    for category in data["categories"]:
        category["elements"] = ELEMENTS
    return Campaign.model_validate(data)


def test_roles_are_looked_up_not_ids():
    campaign = call_with_own_element_ids()
    assert campaign.categories[0].element_with_role("results").id == "achievements"
    assert campaign.element_ids_with_role("future") == {"prospects"}
    assert get_campaign("nrta-2025-media-convergence").element_ids_with_role("results") == {"results"}


def test_figures_count_for_the_results_role_and_the_opening_for_the_opening_role():
    campaign = call_with_own_element_ids()
    opening = "本案例由某市广播电视台承建，覆盖全市的有线电视网络和融媒体平台，面向城乡居民提供视听和便民服务。"
    figures = "全年服务用户42万户，日均访问8.6万人次，节目回看时长增长37%，故障处理时间缩短到2小时。"
    doc = from_text(f"{opening}\n{figures}")
    reports = {r["id"]: r for r in match_elements(doc, campaign.categories[0].elements)["elements"]}
    assert [doc.text[p["start"] : p["end"]] for p in reports["achievements"]["paragraphs"]] == [figures]
    assert [doc.text[p["start"] : p["end"]] for p in reports["profile"]["paragraphs"]] == [opening]
    assert reports["approach"]["paragraphs"] == []


def test_plans_are_flagged_in_the_results_role_and_expected_in_the_future_role(run_checks):
    campaign = call_with_own_element_ids()
    doc = from_text(
        "一、应用效果\n平台拟于明年上线智能调度功能，覆盖更多用户。\n二、推广前景\n我们计划把这一模式推广到更多地市。"
    )
    result = run_checks(doc, campaign=campaign, category="组织管理类").results["claims"]
    plans = result.measurement["plan_like"]
    assert [(p["word"], p["in_results"]) for p in plans] == [("拟于", True)]
    (finding,) = [f for f in result.findings if f.code == "claims.plan_like"]
    assert finding.severity == "info" and "成效部分" in finding.message


def test_the_shipped_2020_rulebook_has_no_elements_to_play_roles(run_checks):
    campaign = get_campaign("nrta-2020-smart-broadcasting-demo")
    assert not campaign.elements_specified and campaign.element_ids_with_role("results") == frozenset()
    doc = from_text("一、应用效果\n平台拟于明年上线智能调度功能。")
    assert "claims.plan_like" not in codes(run_checks(doc, campaign=campaign, category=None).results["claims"])
