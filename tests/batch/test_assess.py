"""Priority order, bureau edits and quota checks on screened materials built from reports (no pipeline needed)."""

from __future__ import annotations

import pytest

from screening.batch import BatchEdits, DuplicateLink, assess, check_quota
from screening.campaigns import get_campaign
from tests.batch.helpers import report, screened, unreadable

NRTA_2025 = "nrta-2025-media-convergence"  # province: 4 per category, 12 in total; central: 1 and 3
JILIN_2024 = "jilin-2024-media-convergence"  # no quota, ranking required


@pytest.fixture(scope="module")
def nrta():
    return get_campaign(NRTA_2025)


def test_order_follows_verdict_then_coverage_and_data(nrta):
    items = [
        screened(1, name="被退回", verdict_from="error"),
        screened(2, name="需修改", verdict_from="", warnings=1),
        screened(3, name="完整", covered=6, dims=6),
        screened(4, name="要素缺两项", covered=4, dims=6),
        unreadable(5),
    ]
    result = assess(items, nrta)
    names = [r.case_name for r in result.rows]
    assert names[:4] == ["完整", "要素缺两项", "需修改", "被退回"]
    assert names[-1] == "坏文件5"
    first = result.rows[0]
    assert first.rank == first.suggested_rank == 1
    assert "预审结论：可推荐" in first.reasons and "必备要素覆盖 6/6" in first.reasons
    assert "必备要素覆盖 4/6" in result.rows[1].reasons
    assert result.rows[2].warnings == ["警告0"]


def test_rejected_and_unreadable_are_left_out_by_default(nrta):
    items = [screened(1, name="好"), screened(2, name="坏", verdict_from="error"), unreadable(3)]
    result = assess(items, nrta)
    included = {r.case_name: r.included for r in result.rows}
    assert included == {"好": True, "坏": False, "坏文件3": False}
    assert result.counts == {"pass": 1, "revise": 0, "reject": 1, "unreadable": 1, "included": 1}


def test_columns_come_from_the_application_form(nrta):
    row = assess([screened(1, name="智慧社区", unit="长春市融媒体中心")], nrta).rows[0]
    assert (row.case_name, row.unit, row.contact, row.position, row.phone) == (
        "智慧社区",
        "长春市融媒体中心",
        "张三",
        "主任",
        "0431-1234567",
    )


def test_per_category_quota_names_the_lowest_priority_entries(nrta):
    items = [screened(i, name=f"平台{i}", covered=6 - (i % 3)) for i in range(1, 7)]  # six in one category
    result = assess(items, nrta, unit_kind="province")
    line = next(q for q in result.quota.lines if q.scope == "category")
    assert (line.category, line.count, line.limit) == ("新媒体平台建设", 6, 4)
    over = [r for r in result.rows if r.over_quota]
    assert [r.rank for r in over] == [5, 6]
    assert over[0].id in line.over
    assert not result.quota.ok
    assert "超出名额 2 个" in result.quota.messages[0]


def test_moving_an_entry_up_moves_the_quota_problem(nrta):
    items = [screened(i, name=f"平台{i}", covered=6 - (i % 3)) for i in range(1, 7)]
    before = assess(items, nrta)
    last = before.rows[-1]
    edited = assess(items, nrta, edits=BatchEdits(order=[last.id]))
    assert edited.rows[0].id == last.id and edited.rows[0].rank == 1
    assert edited.rows[0].suggested_rank == 6
    assert not edited.rows[0].over_quota
    assert edited.edited


def test_excluding_entries_brings_the_batch_within_quota(nrta):
    items = [screened(i, name=f"平台{i}") for i in range(1, 6)]
    result = assess(items, nrta)
    assert not result.quota.ok
    fixed = assess(items, nrta, edits=BatchEdits(order=[r.id for r in result.rows], excluded=[result.rows[-1].id]))
    assert fixed.quota.ok and fixed.counts["included"] == 4


def test_total_quota_counts_across_categories(nrta):
    categories = ["新媒体平台建设", "融合生产传播", "综合信息服务", "创新发展机制"]
    items = [screened(i, name=f"案例{i}", category=categories[i % 4]) for i in range(1, 15)]  # 14: 3-4 per category
    result = assess(items, nrta)
    total = next(q for q in result.quota.lines if q.scope == "total")
    assert (total.count, total.limit, len(total.over)) == (14, 12, 2)
    assert all(q.ok for q in result.quota.lines if q.scope == "category")


def test_central_units_have_their_own_quota(nrta):
    items = [screened(i, name=f"央媒{i}") for i in range(1, 3)]
    result = assess(items, nrta, unit_kind="central")
    line = next(q for q in result.quota.lines if q.scope == "category")
    assert (line.count, line.limit) == (2, 1)
    assert result.quota.unit_label == "中央单位"


def test_category_aliases_count_as_one_category(nrta):
    items = [screened(1, name="甲", category="体制机制改革"), screened(2, name="乙", category="创新发展机制")]
    result = check_quota(assess(items, nrta).rows, nrta, unit_kind="province")
    assert [(q.category, q.count) for q in result.lines if q.scope == "category"] == [("创新发展机制", 2)]


def test_a_call_without_quota_says_so():
    jilin = get_campaign(JILIN_2024)
    result = assess([screened(1, name="甲")], jilin)
    assert not result.quota.specified and "不作限制" in result.quota.note
    assert result.quota.ok and result.ranking_required


def test_duplicates_lower_the_score_and_are_named(nrta):
    items = [screened(1, name="甲"), screened(2, name="乙")]
    link = DuplicateLink(
        other_id="id1",
        other_index=1,
        other_name="甲",
        kind="verbatim",
        score=0.9,
        message="同一批次中“甲”与“乙”原文复用，疑似重复申报。",
    )
    result = assess(items, nrta, duplicates={"id2": [link]})
    second = next(r for r in result.rows if r.id == "id2")
    assert second.rank == 2 and second.duplicates == [link]
    assert any("第1份" in reason for reason in second.reasons)
    assert second.score < result.rows[0].score


def test_json_shape_is_stable(nrta):
    data = assess([screened(1, name="甲")], nrta).to_json_dict()
    assert data["schema"] == "screening.batch/1"
    assert data["rows"][0]["verdict_label"] == "可推荐"
    assert data["quota"]["ok"] is True


def test_report_helper_verdicts():
    assert report(name="a").verdict == "pass"
    assert report(name="a", warnings=1).verdict == "revise"
    assert report(name="a", verdict_from="error").verdict == "reject"
