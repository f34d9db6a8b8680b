"""One list of 申报表 field spellings (``documents.forms.FIELD_ALIASES``) and one list of table columns
(``batch.columns.TABLE``): a form written with any spelling fills the 推荐排序表's columns."""

import pytest

from screening.batch import Screened, assess, columns_of
from screening.batch.columns import TABLE
from screening.batch.export import COLUMNS, OFFICIAL_COLUMNS, export_filename, table_title
from screening.campaigns import get_campaign
from screening.documents import document_info, load_document
from screening.documents.forms import FIELD_ALIASES, field_name
from screening.report import Report
from tests.batch.helpers import screened


def form_columns(lines: list[str]) -> dict[str, str]:
    doc = load_document("\n".join(lines).encode(), filename="申报表.txt")
    item = Screened(id="a", index=1, filename="申报表.txt", report=Report(document=document_info(doc)))
    return columns_of(item)


def test_every_column_reads_known_form_fields():
    for column in TABLE:
        assert all(name in FIELD_ALIASES for name in column.form), column.key


@pytest.mark.parametrize(
    ("spelling", "field"),
    # the spellings the table's columns once listed on their own, now in the one list
    [
        ("项目名称", "案例名称"),
        ("申报类别", "征集类别"),
        ("推荐单位", "申报单位"),
        ("部门及职务", "职务"),
        ("部门", "职务"),
        ("联系方式", "联系电话"),
        ("电话", "联系电话"),
        ("手机", "手机"),
    ],
)
def test_every_spelling_maps_to_one_field(spelling, field):
    assert field_name(spelling) == field


def test_a_form_in_other_spellings_fills_the_columns():
    found = form_columns(
        [
            "项目名称：智慧社区服务平台",
            "推荐单位：某市广播电视台",
            "联系人：李四",
            "部门：新媒体部",
            "联系方式：0431-7654321",
            "手机：13900000000",
        ]
    )
    assert found["case_name"] == "智慧社区服务平台"
    assert found["unit"] == "某市广播电视台"
    assert found["contact"] == "李四" and found["position"] == "新媒体部"
    assert found["phone"] == "0431-7654321；13900000000"


def test_headers_and_widths_come_from_one_list():
    assert [c.header for c in TABLE] == COLUMNS and len({c.key for c in TABLE}) == len(TABLE)
    assert COLUMNS[: len(OFFICIAL_COLUMNS)] == OFFICIAL_COLUMNS  # the notices' columns lead the table
    assert all(c.width > 0 for c in TABLE)


@pytest.mark.parametrize(
    ("campaign_id", "table"),
    [
        ("nrta-2020-smart-broadcasting-demo", "推荐汇总表"),
        ("nrta-2024-smart-network-services", "推荐汇总表"),
        ("jilin-2024-media-convergence", "推荐排序表"),
    ],
)
def test_the_table_is_named_by_the_rulebook(campaign_id, table):
    result = assess([screened(1, name="甲案例")], get_campaign(campaign_id))
    assert table_title(result) == table and export_filename(result, "第一批", "csv") == f"第一批-{table}.csv"
