"""What a draft rulebook carries beyond the notice's numbers: the recommender's table (``[export]``) and the roles
of elements borrowed from earlier rulebooks, so a new call keeps the checks' behaviour without code changes."""

from screening.campaigns.draft import draft_rulebook
from tests.campaigns.draft_notices import NATIONAL


def test_a_notice_without_a_table_gets_the_ranking_table_and_says_so():
    draft = draft_rulebook(NATIONAL)
    assert draft.campaign().export.table == "推荐排序表" and draft.campaign().export.note
    assert any(u.field == "export.table" for u in draft.unsure)


def test_a_notice_naming_its_summary_table_gets_it_with_the_clause():
    text = NATIONAL.replace("请分类别填写申请表，", "请分类别填写申请表，推荐单位填写推荐汇总表（见附件2），", 1)
    export = draft_rulebook(text).campaign().export
    assert export.table == "推荐汇总表" and export.clause


def test_elements_that_keep_an_earlier_id_keep_its_role():
    campaign = draft_rulebook(NATIONAL).campaign()
    for category in campaign.categories:
        roles = {e.id: e.role for e in category.elements}
        assert roles.get("results", "results") == "results" and roles.get("overview", "opening") == "opening"
    assert campaign.element_ids_with_role("results") <= {"results"}
