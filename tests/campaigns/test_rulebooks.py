"""Each rulebook's key facts, checked against what its notice says (shared/seeds/, read by hand).

The expected values below are transcribed from the notices, not from the TOML files, so a slip in a rulebook fails here.
"""

import datetime as dt

import pytest

from screening.campaigns import all_campaigns, get_campaign
from screening.nlp import LEXICONS_DIR

NOTICES = {
    # id: (notice number, deadline, categories in the notice's order, {material name: limit})
    "jilin-2024-media-convergence": (
        "吉广电明电〔2024〕38号",
        dt.date(2024, 4, 17),
        ["新媒体平台建设", "融合生产传播", "综合信息服务", "体制机制改革"],
        {"申报材料": 5000},
    ),
    "nrta-2025-media-convergence": (
        "广电办发〔2025〕45号",
        dt.date(2025, 4, 11),
        ["新媒体平台建设", "融合生产传播", "综合信息服务", "创新发展机制"],
        {"综合材料": 1000, "详细材料": 5000},
    ),
    "nrta-2020-smart-broadcasting-demo": (
        "广电办发〔2020〕138号",
        dt.date(2020, 7, 15),
        ["组织管理类", "生产制播类", "传播分发类", "运行监管类", "生态建设类"],
        {"申报表": None},
    ),
    "nrta-2024-smart-network-services": (
        "广电办发〔2024〕63号",
        dt.date(2024, 5, 12),
        ["视听消费新体验", "智慧家庭新场景", "数字文化新应用", "政务商务新服务"],
        {"案例简介": 500, "详细材料": 5000},
    ),
}


def test_the_four_calls_are_there():
    assert sorted(c.id for c in all_campaigns()) == sorted(NOTICES)


@pytest.mark.parametrize("campaign_id", sorted(NOTICES))
def test_notice_number_deadline_categories_limits(campaign_id):
    number, deadline, categories, limits = NOTICES[campaign_id]
    c = get_campaign(campaign_id)
    assert c.notice_number == number
    assert c.dates.deadline == deadline
    assert [k.name for k in c.categories] == categories
    assert {m.name: m.limit for m in c.materials} == limits


@pytest.mark.parametrize(
    "campaign_id, per_category_elements",
    [
        ("jilin-2024-media-convergence", 6),
        ("nrta-2025-media-convergence", 6),
        ("nrta-2024-smart-network-services", 6),
        ("nrta-2020-smart-broadcasting-demo", 0),
    ],
)
def test_number_of_required_elements_per_category(campaign_id, per_category_elements):
    c = get_campaign(campaign_id)
    assert {len(k.elements) for k in c.categories} == {per_category_elements}
    assert c.elements_specified == (per_category_elements > 0)


def test_2025_elements_follow_the_notice_order():
    c = get_campaign("nrta-2025-media-convergence")
    platform = [e.name for e in c.category("新媒体平台建设").elements]
    assert platform[0] == "总体情况" and platform[2] == "成效成果与社会反响" and platform[4] == "问题困难及破解办法"
    mechanism = [e.name for e in c.category("创新发展机制").elements]
    assert mechanism[4] == "重点环节与制约问题及突破"


def test_2024_network_services_uses_one_element_list_for_all_categories():
    c = get_campaign("nrta-2024-smart-network-services")
    lists = {tuple(e.name for e in k.elements) for k in c.categories}
    assert len(lists) == 1
    assert next(iter(lists))[2] == "问题及破解办法"  # the notice puts problems third in this call


@pytest.mark.parametrize(
    "campaign_id, expected",
    [
        ("nrta-2025-media-convergence", {"province": (4, 12), "central": (1, 3)}),
        ("nrta-2024-smart-network-services", {"province_3plus": (4, 12), "province": (4, 10), "central": (2, 5)}),
        ("nrta-2020-smart-broadcasting-demo", {"province": (None, 10), "other": (None, 2)}),
    ],
)
def test_quotas(campaign_id, expected):
    q = get_campaign(campaign_id).quotas
    assert q.specified
    assert {r.unit_kind: (r.per_category, r.total) for r in q.rules} == expected


def test_jilin_sets_no_quota_and_says_so():
    q = get_campaign("jilin-2024-media-convergence").quotas
    assert not q.specified and not q.rules
    assert "不作限制" in q.note
    assert q.ranking_required


def test_category_aliases_bridge_the_renamed_mechanism_category():
    assert get_campaign("nrta-2025-media-convergence").category("体制机制改革").name == "创新发展机制"
    assert get_campaign("jilin-2024-media-convergence").category("创新发展机制").name == "体制机制改革"
    assert get_campaign("nrta-2020-smart-broadcasting-demo").category("生产制播").name == "生产制播类"


def test_eligibility_rules():
    kinds = lambda cid: {e.kind for e in get_campaign(cid).eligibility}  # noqa: E731
    assert kinds("nrta-2025-media-convergence") == {"no_resubmit_same_category"}
    assert get_campaign("nrta-2025-media-convergence").eligibility[0].years == [2024]
    assert {"one_category_per_case", "no_resubmit_same_product", "completed_only"} <= kinds(
        "nrta-2024-smart-network-services"
    )
    assert kinds("jilin-2024-media-convergence") == set()


@pytest.mark.parametrize("campaign_id", sorted(NOTICES))
def test_every_rule_cites_a_clause(campaign_id):
    c = get_campaign(campaign_id)
    clauses = [m.clause for m in c.materials] + [k.clause for k in c.categories] + [e.clause for e in c.eligibility]
    clauses += [r.clause for r in c.quotas.rules] + [cr.clause for cr in c.criteria]
    assert all(clause.strip() for clause in clauses)
    if c.dates.deadline:
        assert c.dates.deadline_clause


@pytest.mark.parametrize(
    "campaign_id", ["jilin-2024-media-convergence", "nrta-2025-media-convergence", "nrta-2024-smart-network-services"]
)
def test_review_criteria_are_the_four_of_the_media_calls(campaign_id):
    assert [cr.name for cr in get_campaign(campaign_id).criteria] == ["政治性", "创新性", "实效性", "典型性"]


@pytest.mark.parametrize("campaign_id", sorted(NOTICES))
def test_every_data_dimension_has_a_lexicon_entry(campaign_id):
    """A dimension id the lexicon lacks would silently read as 'absent' in every report."""
    import tomllib

    lexicon = tomllib.loads((LEXICONS_DIR / "dimensions.toml").read_text(encoding="utf-8"))
    c = get_campaign(campaign_id)
    for dimension in c.data.dimensions if c.data else []:
        assert dimension.id in lexicon, dimension.id
        assert lexicon[dimension.id]["words"]


# The table each notice has the recommender send (推荐排序表 / 推荐汇总表), read from the notices by hand.
EXPORT_TABLES = {
    "jilin-2024-media-convergence": "推荐排序表",  # 附件1 吉林省2024年广播电视媒体融合典型案例推荐排序表
    "nrta-2024-smart-network-services": "推荐汇总表",  # 附件2 推荐汇总表
    "nrta-2020-smart-broadcasting-demo": "推荐汇总表",  # 推荐函、汇总表、申报表; 汇总表见附件1
    "nrta-2025-media-convergence": "推荐排序表",  # the notice names no table
}


@pytest.mark.parametrize("campaign_id", sorted(NOTICES))
def test_export_table_is_the_notices_and_written_in_the_rulebook(campaign_id):
    import tomllib

    from screening.campaigns.loader import SHIPPED_DIR

    raw = tomllib.loads((SHIPPED_DIR / f"{campaign_id}.toml").read_text(encoding="utf-8"))
    assert raw["export"]["table"] == EXPORT_TABLES[campaign_id]  # set in the file, not left to the default
    assert get_campaign(campaign_id).export.table == EXPORT_TABLES[campaign_id]


@pytest.mark.parametrize("campaign_id", sorted(NOTICES))
def test_every_category_marks_its_opening_and_results_elements(campaign_id):
    c = get_campaign(campaign_id)
    for category in c.categories if c.elements_specified else []:
        assert (
            category.element_with_role("opening") == category.elements[0]
        )  # the notice's first: the overall situation
        assert "成效" in category.element_with_role("results").name
        assert [e.role for e in category.elements].count("future") >= 1
